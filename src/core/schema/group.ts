import { attr } from './define.js';
import type { SchemaDef } from './types.js';
import { GROUP_SCHEMA } from './urns.js';

/**
 * RFC 7643 §4.2 Group resource schema, as the reference server supports it. Deliberate differences from the
 * §8.7.1 representation: displayName is required (as §4.2's text says, though §8.7.1 says false) and unique
 * (Okta and Entra match groups by displayName); members has a "display" sub-attribute (the §8.4 example and both
 * IdPs send one).
 */
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
