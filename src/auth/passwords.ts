import argon2 from 'argon2';

// argon2id with the library's defaults (64 MiB, 3 passes): about 0.2 s a hash here, slow enough to make
// guessing from a stolen table expensive, quick enough for a person signing in.
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

// Verified against when the username is unknown, so that a wrong username takes as long as a wrong password
// and the answer's timing does not tell which accounts exist.
let decoy: Promise<string> | null = null;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    decoy ??= hashPassword('decoy password that matches nothing');
    await argon2.verify(await decoy, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}
