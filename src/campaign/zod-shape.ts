import type * as z from 'zod';

/**
 * The one place that reads zod's internals (`schema._zod.def`): zod has no public way to list the
 * keys a schema accepts below a path, which is what suggests the nearest valid key after a typo.
 * tests/adapters.test.ts pins what this reads; a zod update that moves it fails there, not in a
 * user's face.
 */
type Def = z.core.$ZodTypeDef & {
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  options?: z.core.$ZodType[];
  shape?: Record<string, z.core.$ZodType>;
  valueType?: z.core.$ZodType;
  keyType?: z.core.$ZodType;
  entries?: Record<string, string>;
};

const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as Def;

/** Through the wrappers that do not change the keys: optional, default, nullable, a transform, a union's object. */
function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  for (let guard = 0; schema && guard < 10; guard++) {
    const def = defOf(schema);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'union') schema = def.options?.find((o) => defOf(o).type === 'object' || defOf(o).type === 'record');
    else break;
  }
  return schema;
}

/** The keys an object (or a record with an enumerated key) accepts at `path`; [] when it accepts any or none. */
export function schemaKeysAt(root: z.core.$ZodType, path: PropertyKey[]): string[] {
  let schema: z.core.$ZodType | undefined = root;
  for (const segment of [...path, null]) {
    schema = unwrap(schema);
    if (!schema) return [];
    const def = defOf(schema);
    if (segment === null) {
      if (def.type === 'object' && def.shape) return Object.keys(def.shape);
      if (def.type === 'record' && def.keyType && defOf(def.keyType).type === 'enum') return Object.keys(defOf(def.keyType).entries ?? {});
      return [];
    }
    if (def.type === 'object' && def.shape) schema = def.shape[String(segment)];
    else if (def.type === 'record') schema = def.valueType;
    else return [];
  }
  return [];
}
