/**
 * A certificate authority the kit makes at run time, for TLS (RFC 9325) and mutual-TLS (RFC 8705) checks on
 * loopback: the reference stack serves https with a certificate from it, and the kit presents client certificates
 * from it. Nothing it makes is written to the repository: keys live in memory (and in a run's temporary files
 * where a server process needs them), so no private key is ever committed or reported.
 *
 * ECDSA P-256 keeps issuing fast (a few ms per certificate) on a loaded 2-core machine.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs it
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { certificateThumbprintS256 } from './thumbprint.ts';

export { certificateThumbprintS256 };

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

/** A certificate and its private key, PEM-encoded, as node:tls and undici take them. */
export interface IssuedCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** base64url SHA-256 of the DER certificate: the `x5t#S256` confirmation of RFC 8705 §3.1. */
  readonly thumbprintS256: string;
  readonly subject: string;
}

export interface ServerCertificateRequest {
  /** DNS names the certificate is valid for (subjectAltName dNSName). */
  readonly dnsNames?: readonly string[];
  /** IP addresses the certificate is valid for (subjectAltName iPAddress). */
  readonly ipAddresses?: readonly string[];
  /** Validity window; defaults to one day around now. An expired certificate is made with a past `notAfter`. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface ClientCertificateRequest {
  /** The subject's common name, e.g. the client_id (RFC 8705 §2.1.2 tls_client_auth matches on the subject DN). */
  readonly commonName: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export class TestCertificateAuthority {
  private serial = 1;
  private readonly keys: CryptoKeyPair;
  private readonly certificate: x509.X509Certificate;
  readonly name: string;

  private constructor(keys: CryptoKeyPair, certificate: x509.X509Certificate, name: string) {
    this.keys = keys;
    this.certificate = certificate;
    this.name = name;
  }

  /** Makes a new self-signed CA; every run gets its own, so no trust outlives the run. */
  static async create(commonName = 'auth-ctk test CA (run-time, not trusted anywhere else)'): Promise<TestCertificateAuthority> {
    const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const name = `CN=${escapeDnValue(commonName)}`;
    const now = Date.now();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + DAY_MS),
      keys,
      signingAlgorithm: KEY_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new TestCertificateAuthority(keys, certificate, name);
  }

  /** The CA certificate, for a client's or server's trust store (`ca:` of node:tls / undici). */
  get certificatePem(): string {
    return this.certificate.toString('pem');
  }

  /** A TLS server certificate for the given names (RFC 9525: the client matches the host against subjectAltName). */
  async issueServerCertificate(request: ServerCertificateRequest): Promise<IssuedCertificate> {
    const names: x509.JsonGeneralName[] = [
      ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    if (names.length === 0) throw new TypeError('a server certificate needs at least one DNS name or IP address');
    const commonName = request.dnsNames?.[0] ?? request.ipAddresses![0]!;
    return this.issue(`CN=${escapeDnValue(commonName)}`, request, [
      new x509.SubjectAlternativeNameExtension(names),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ]);
  }

  /** A TLS client certificate (RFC 8705 §2): subject CN names the client. */
  async issueClientCertificate(request: ClientCertificateRequest): Promise<IssuedCertificate> {
    return this.issue(`CN=${escapeDnValue(request.commonName)}`, request, [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ]);
  }

  private async issue(
    subject: string,
    validity: { readonly notBefore?: Date; readonly notAfter?: Date },
    extensions: x509.Extension[],
  ): Promise<IssuedCertificate> {
    const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    this.serial += 1;
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: this.serial.toString(16).padStart(2, '0'),
      subject,
      issuer: this.certificate.subject,
      notBefore: validity.notBefore ?? new Date(now - 60_000),
      notAfter: validity.notAfter ?? new Date(now + DAY_MS),
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: KEY_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
        ...extensions,
      ],
    });
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    return {
      certificatePem: certificate.toString('pem'),
      privateKeyPem: toPem('PRIVATE KEY', Buffer.from(pkcs8)),
      thumbprintS256: certificateThumbprintS256(certificate.toString('pem')),
      subject,
    };
  }
}

function toPem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** RFC 4514 escaping of the characters a DN value cannot carry bare. */
function escapeDnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}
