/**
 * A minimal self-signed X.509 certificate (RFC 5280 §4.1) for an RSA key, in PEM: what the kit serves at the `x5u`
 * URL of a forged token (RFC 7515 §4.1.5). No CA ever signed it and no issuer publishes it: a gateway that verifies
 * with the certificate a token points to trusts whoever wrote the token. node:crypto parses certificates but cannot
 * make one, so the few DER structures needed are written here.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const arc of rest) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** A positive INTEGER from unsigned bytes (a leading 0x00 where the high bit is set). */
const integer = (bytes: Buffer): Buffer => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);

/** RFC 5280 §4.1.2.2: a positive serial of at most 20 octets, here 8 random ones (minimal DER: no leading zero). */
function serialNumber(): Buffer {
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return bytes;
}

/** UTCTime YYMMDDHHMMSSZ (RFC 5280 §4.1.2.5.1: dates through 2049). */
const utcTime = (date: Date): Buffer => tlv(0x17, Buffer.from(date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z', 'ascii'));

const SHA256_WITH_RSA = sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

/** A self-signed certificate for the RSA key pair, valid from an hour ago for `days` days, in PEM. */
export function selfSignedCertificatePem(keys: { privateKey: KeyObject; publicKey: KeyObject }, commonName: string, days = 2): string {
  const now = Date.now();
  const subject = name(commonName);
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))), // [0] EXPLICIT Version v3
    integer(serialNumber()),
    SHA256_WITH_RSA,
    subject,
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + days * 86_400_000))),
    subject,
    keys.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, keys.privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
