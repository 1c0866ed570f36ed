import type { AttributeDef, AttributeType } from './types.js';

/** Builds an attribute definition with RFC 7643 §2.2 defaults (everything not given takes the RFC's default). */
export function attr(name: string, type: AttributeType, description: string, opts: Partial<AttributeDef> = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...opts,
  };
}

/** The value/display/type/primary quartet shared by most multi-valued complex attributes (RFC 7643 §2.4). */
export function multiValued(
  name: string,
  description: string,
  canonicalTypes: string[] | undefined,
  valueType: AttributeType = 'string',
  valueOpts: Partial<AttributeDef> = {},
): AttributeDef {
  const typeAttr = attr('type', 'string', `A label indicating the attribute's function.`);
  if (canonicalTypes) typeAttr.canonicalValues = canonicalTypes;
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attr('value', valueType, `The value of the ${name} entry.`, valueOpts),
      attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
      typeAttr,
      attr('primary', 'boolean', `Whether this is the primary entry; at most one entry may be primary.`),
    ],
  });
}
