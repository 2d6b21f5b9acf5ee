// Lookups by a key the user wrote (a service name, a port name, an env var). A plain
// object inherits `toString`, `constructor` and friends: `depends_on: [toString]` must be
// an unknown service, not Object.prototype.toString.

/** obj[key] when key is obj's own property, else undefined. */
export function own<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
