import { attr } from './define.js';
import type { SchemaDef } from './types.js';
import { GROUP_SCHEMA } from './urns.js';

/** RFC 7643 §4.2 Group resource schema, as the reference server supports it (displayName required and unique). */
export const groupSchema: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', 'A human-readable name for the Group; unique across groups.', { required: true, uniqueness: 'server' }),
    attr('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'The id of the member resource.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member resource.', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        attr('type', 'string', 'The type of the member.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
        attr('display', 'string', 'A human-readable name of the member.', { mutability: 'immutable' }),
      ],
    }),
  ],
};
