import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to argon2id (19 MiB, t=2, p=1: the OWASP baseline).
export const hashSecret = (secret: string): Promise<string> => hash(secret);

export const verifySecret = (hashed: string, secret: string): Promise<boolean> =>
  verify(hashed, secret).catch(() => false);

let dummy: Promise<string> | undefined;

/** Verifies against a throwaway hash, so an unknown login costs the same time as a known one. */
export async function verifyNothing(secret: string): Promise<false> {
  dummy ??= hash('no account has this password');
  await verify(await dummy, secret);
  return false;
}
