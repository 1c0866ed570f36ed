import { attr } from './define.js';
import type { SchemaDef } from './types.js';
import { ENTERPRISE_USER_SCHEMA } from './urns.js';

/** RFC 7643 §4.3 Enterprise User extension. */
export const enterpriseUserSchema: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'A string identifier, typically numeric or alphanumeric, assigned to a person.'),
    attr('costCenter', 'string', 'The name of a cost center.'),
    attr('organization', 'string', 'The name of an organization.'),
    attr('division', 'string', 'The name of a division.'),
    attr('department', 'string', 'The name of a department.'),
    attr('manager', 'complex', "The user's manager.", {
      subAttributes: [
        attr('value', 'string', 'The id of the manager User resource.'),
        attr('$ref', 'reference', 'The URI of the manager User resource.', { referenceTypes: ['User'] }),
        attr('displayName', 'string', "The manager's displayName.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};
