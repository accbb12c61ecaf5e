/**
 * RFC 6749 §2.3.1: the client id and secret are application/x-www-form-urlencoded before they become the user
 * and password of HTTP Basic, so a secret "a+b:c" travels as base64("id:a%2Bb%3Ac"). Whether the server decodes
 * them is only visible with credentials the encoding changes. The kit finds such a client in the profile, or,
 * where the target has a control plane, gives the rotation client such a secret for the scenario and puts the
 * old one back afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { CtkWorld } from '../world.ts';
import type { ClientCredentials } from '../target/target.ts';
import { controlPlaneOf } from '../admin/control-plane.ts';
import { addCleanup } from './scenario.ts';

const formEncode = (s: string): string => encodeURIComponent(s).replace(/%20/g, '+');

export const changesUnderFormEncoding = (client: ClientCredentials): boolean =>
  formEncode(client.clientId) !== client.clientId || formEncode(client.clientSecret) !== client.clientSecret;

/**
 * Characters the encoding changes: space, "+", ":", "%" (decoded once, "%41" must stay "%41"), "&", "=", "/".
 * Only VSCHAR (%x20-7E): RFC 6749 Appendix A.2 allows nothing else in a client secret.
 */
export const encodingSensitiveSecret = (): string => `ctk form+encoded:secret %41&=/-${randomBytes(6).toString('hex')}`;

export type EncodingClient = { readonly client: ClientCredentials; readonly how: string } | { readonly notTestable: string; readonly remedy: string };

export async function clientWithEncodingSensitiveCredentials(world: CtkWorld): Promise<EncodingClient> {
  const described = Object.values(world.target.clients).find((c): c is ClientCredentials => !!c && changesUnderFormEncoding(c) && c !== world.target.clients.noClientCredentials);
  if (described) return { client: described, how: `${described.clientId}, whose credentials the profile describes` };
  const admin = controlPlaneOf(world, 'rotateSecret');
  const rotation = world.target.clients.rotation;
  if (!admin || !rotation) {
    return {
      notTestable: 'no client of the profile has a client id or secret that form-urlencoding changes, and the kit cannot set one',
      remedy: 'describe a client whose secret contains characters such as "+", ":", "%" or a space (or describe clients.rotation on a target with a control plane)',
    };
  }
  const secret = await admin.rotateSecret(rotation.clientId, encodingSensitiveSecret());
  addCleanup(world, async () => {
    await admin.rotateSecret(rotation.clientId, rotation.clientSecret);
  });
  return { client: { ...rotation, clientSecret: secret }, how: `${rotation.clientId} with a secret holding " ", "+", ":", "%", "&", "=" and "/"` };
}
