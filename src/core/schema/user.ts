import { attr, multiValued } from './define.js';
import type { SchemaDef } from './types.js';
import { USER_SCHEMA } from './urns.js';

/** RFC 7643 §4.1 User resource schema, as the reference server supports it. */
export const userSchema: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'Unique identifier for the User, used to authenticate; unique across the service provider, compared case-insensitively.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('name', 'complex', "The components of the user's real name.", {
      subAttributes: [
        attr('formatted', 'string', 'The full name, formatted for display.'),
        attr('familyName', 'string', 'The family name (last name in most Western languages).'),
        attr('givenName', 'string', 'The given name (first name in most Western languages).'),
        attr('middleName', 'string', 'The middle name(s).'),
        attr('honorificPrefix', 'string', 'The honorific prefix(es), or title (e.g. "Ms.").'),
        attr('honorificSuffix', 'string', 'The honorific suffix(es) (e.g. "III").'),
      ],
    }),
    attr('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    attr('nickName', 'string', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', "A URI pointing to the user's online profile.", { referenceTypes: ['external'] }),
    attr('title', 'string', "The user's title, such as \"Vice President\"."),
    attr('userType', 'string', 'The relationship between the organization and the user (e.g. "Employee").'),
    attr('preferredLanguage', 'string', "The user's preferred written or spoken language (RFC 7231 Accept-Language format)."),
    attr('locale', 'string', "The user's default location for localizing values (e.g. \"en-US\")."),
    attr('timezone', 'string', "The user's time zone in IANA Time Zone database format (e.g. \"America/Los_Angeles\")."),
    attr('active', 'boolean', "The user's administrative status."),
    attr('password', 'string', "The user's cleartext password; write-only, never returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued('emails', 'Email addresses for the user.', ['work', 'home', 'other']),
    multiValued('phoneNumbers', 'Phone numbers for the user.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multiValued('ims', 'Instant messaging addresses for the user.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multiValued('photos', 'URLs of photos of the user.', ['photo', 'thumbnail'], 'reference', { referenceTypes: ['external'] }),
    // RFC 7643 §8.7.1 lists no "primary" under addresses, but §2.4 gives every multi-valued attribute one, §4.1.2
    // describes addresses as such, and the §8.2 example sends "primary": true: served (and enforced) on purpose.
    attr('addresses', 'complex', 'Physical mailing addresses for this user.', {
      multiValued: true,
      subAttributes: [
        attr('formatted', 'string', 'The full mailing address, formatted for display.'),
        attr('streetAddress', 'string', 'The full street address component.'),
        attr('locality', 'string', 'The city or locality component.'),
        attr('region', 'string', 'The state or region component.'),
        attr('postalCode', 'string', 'The zip code or postal code component.'),
        attr('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
        attr('type', 'string', "A label indicating the address's function.", { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean', 'Whether this is the primary address.'),
      ],
    }),
    attr('groups', 'complex', 'Groups to which the user belongs; read-only, changed through the Group resource.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'string', 'The identifier of the group.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the Group resource.', { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
        attr('display', 'string', "The group's display name.", { mutability: 'readOnly' }),
        attr('type', 'string', 'How the membership was derived.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multiValued('entitlements', 'Entitlements the user has.', undefined),
    // RFC 7643 §8.7.1 serves an empty canonicalValues list for the type of roles and x509Certificates (none for entitlements).
    multiValued('roles', 'Roles the user has.', []),
    multiValued('x509Certificates', 'X.509 certificates issued to the user.', [], 'binary'),
  ],
};
