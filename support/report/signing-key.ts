/**
 * The key that signs certificates: a private JWK in a file (EC P-256 -> ES256, or Ed25519 -> EdDSA).
 * Default `.auth-ctk/signing-key.jwk` (git-ignored); the kit generates a TEST key there on first use and says
 * so. A key file named explicitly (--signing-key, AUTH_CTK_SIGNING_KEY) is never created or replaced: when it
 * is missing or unusable the run stops before testing anything (exit 2).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { ReportInputError } from './errors.ts';

export const DEFAULT_SIGNING_KEY = '.auth-ctk/signing-key.jwk';

export type SigningAlg = 'ES256' | 'EdDSA';

export interface SigningKey {
  readonly file: string;
  readonly alg: SigningAlg;
  readonly privateKey: CryptoKey | Uint8Array;
  readonly publicJwk: JWK;
  /** RFC 7638 thumbprint (SHA-256) of the public key: the certificate's `kid`. */
  readonly thumbprint: string;
  /** True when this call generated the key file. */
  readonly created: boolean;
}

export class SigningKeyError extends ReportInputError {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

function algOf(jwk: JWK, file: string): SigningAlg {
  let alg: SigningAlg;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') alg = 'ES256';
  else if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') alg = 'EdDSA';
  else {
    throw new SigningKeyError(
      `${file}: unsupported key (kty ${jwk.kty ?? '?'}${jwk.crv ? `, crv ${jwk.crv}` : ''}); certificates are signed with an EC P-256 (ES256) or Ed25519 (EdDSA) key`,
    );
  }
  if (jwk.alg && jwk.alg !== alg && !(alg === 'EdDSA' && jwk.alg === 'Ed25519')) {
    throw new SigningKeyError(`${file}: the key says alg ${jwk.alg}, but a ${jwk.kty}/${jwk.crv} key signs with ${alg}`);
  }
  return alg;
}

export function publicPart(jwk: JWK): JWK {
  const { kty, crv, x, y } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y }).filter(([, v]) => v !== undefined)) as JWK;
}

function readJwk(file: string): JWK {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SigningKeyError(`cannot read the key file ${file}: ${(error as Error).message}`);
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new SigningKeyError(`${file} is not a JWK: it is not JSON (expected one key as JSON, e.g. {"kty":"EC","crv":"P-256",...})`);
  }
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk) || typeof (jwk as JWK).kty !== 'string') {
    throw new SigningKeyError(`${file} is not a JWK: expected one JSON Web Key object with "kty" (a JWK Set is not accepted here)`);
  }
  return jwk as JWK;
}

async function generate(file: string): Promise<void> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPart(jwk));
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify({ ...jwk, alg: 'ES256', use: 'sig', kid }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}

/**
 * Loads the signing key; generates one at the default path only. `announce` receives the one-line note
 * printed when a key was generated.
 */
export async function loadSigningKey(file = DEFAULT_SIGNING_KEY, options: { explicit?: boolean; announce?: (line: string) => void } = {}): Promise<SigningKey> {
  const path = resolve(file);
  let created = false;
  if (!existsSync(path)) {
    if (options.explicit) throw new SigningKeyError(`signing key ${file} does not exist. Name an existing private JWK (ES256 or EdDSA), or omit --signing-key to use ${DEFAULT_SIGNING_KEY}, which the kit creates.`);
    await generate(path);
    created = true;
  }
  const jwk = readJwk(path);
  const alg = algOf(jwk, file);
  if (!jwk.d) throw new SigningKeyError(`${file} holds a public key only: signing needs the private key (the "d" member)`);
  let privateKey: CryptoKey | Uint8Array;
  try {
    privateKey = await importJWK(jwk, alg);
  } catch (error) {
    throw new SigningKeyError(`${file}: the key is damaged or inconsistent (${(error as Error).message})`);
  }
  const publicJwk = publicPart(jwk);
  const thumbprint = await calculateJwkThumbprint(publicJwk);
  if (created) {
    options.announce?.(
      `auth-ctk: generated a TEST signing key at ${file} (${alg}, thumbprint ${thumbprint}); certificates are signed with it. Keep it private and keep it: "auth-ctk verify --key ${file}" checks certificates against it.`,
    );
  }
  return { file, alg, privateKey, publicJwk, thumbprint, created };
}

/** A key to verify with: a public or private JWK file (only the public part is used). */
export async function loadVerificationKey(file: string): Promise<{ alg: SigningAlg; publicJwk: JWK; thumbprint: string }> {
  if (!existsSync(file)) throw new SigningKeyError(`verification key ${file} does not exist`);
  const jwk = readJwk(file);
  const alg = algOf(jwk, file);
  const publicJwk = publicPart(jwk);
  try {
    await importJWK(publicJwk, alg);
  } catch (error) {
    throw new SigningKeyError(`${file}: the key is damaged (${(error as Error).message})`);
  }
  return { alg, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}
