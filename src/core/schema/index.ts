import { enterpriseUserSchema } from './enterprise-user.js';
import { groupSchema } from './group.js';
import type { ResourceModel } from './resolve.js';
import type { SchemaDef } from './types.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './urns.js';
import { userSchema } from './user.js';

export * from './types.js';
export * from './urns.js';
export * from './resolve.js';
export { commonAttributes } from './common.js';
export { userSchema, groupSchema, enterpriseUserSchema };

/** The User resource type; `extraExtensions` lets a server serve custom extension schemas too. */
export function userModel(extraExtensions: SchemaDef[] = []): ResourceModel {
  return {
    resourceType: {
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_USER_SCHEMA, required: false },
        ...extraExtensions.map((s) => ({ schema: s.id, required: false })),
      ],
    },
    core: userSchema,
    extensions: [enterpriseUserSchema, ...extraExtensions],
  };
}

export function groupModel(): ResourceModel {
  return {
    resourceType: { id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: GROUP_SCHEMA, schemaExtensions: [] },
    core: groupSchema,
    extensions: [],
  };
}
