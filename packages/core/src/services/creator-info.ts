// What a TikTok account's creator may choose for a post (privacy levels, interactions they
// switched off, the longest video), asked of TikTok with the account's own token the way
// publishing asks it (creator_info), so the composer offers exactly those choices. TikTok's
// rules want the creator to pick the privacy level themselves: Herald never picks one.
import { decryptSecret, type Db, type TokenKeyring } from '@herald/db';
import type { Platform } from '../domain/platforms.ts';
import { PublishError } from '../providers/errors.ts';
import type { CreatorInfo, PlatformAdapter } from '../providers/types.ts';
import { clientRowScope, requirePermission, type Actor } from './actor.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

export interface CreatorInfoDeps {
  db: Db;
  /** The credentials key and adapters; null where this server has no token key. */
  apis: { tokenKey: TokenKeyring; adapterFor: (platform: Platform) => PlatformAdapter } | null;
  signal?: AbortSignal;
}

export type CreatorInfoResult = { ok: true; info: CreatorInfo } | { ok: false; problem: string };

/**
 * The TikTok account's posting options, or a sentence saying why TikTok did not give them
 * (the composer shows it with a way to ask again). The account must belong to the actor's
 * organization.
 */
export async function tiktokCreatorInfo(
  deps: CreatorInfoDeps,
  actor: Actor,
  input: { accountId: string },
): Promise<CreatorInfoResult> {
  requirePermission(actor, 'posts:write');
  const account = await deps.db.socialAccount.findFirst({
    where: { id: input.accountId, ...clientRowScope(actor) },
    select: { platform: true, handle: true, externalId: true, accessTokenEncrypted: true },
  });
  if (!account) throw new NotFoundError('Account');
  const { apis } = deps;
  if (!apis) {
    return {
      ok: false,
      problem: 'This server cannot ask TikTok about accounts: TOKEN_ENCRYPTION_KEY is not set.',
    };
  }
  if (account.platform !== 'tiktok') {
    throw new InvalidInputError(`${account.handle} is not a TikTok account.`);
  }
  let adapter: PlatformAdapter;
  try {
    adapter = apis.adapterFor('tiktok');
  } catch (error) {
    if (error instanceof PublishError) return { ok: false, problem: error.message };
    throw error;
  }
  if (!adapter.creatorInfo) {
    return { ok: false, problem: 'Herald cannot ask TikTok for this account’s posting options.' };
  }
  try {
    const info = await adapter.creatorInfo({
      account: {
        externalId: account.externalId,
        accessToken: decryptSecret(account.accessTokenEncrypted, apis.tokenKey),
      },
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    return { ok: true, info };
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    return {
      ok: false,
      problem:
        error.kind === 'auth'
          ? `TikTok no longer accepts Herald’s access to ${account.handle}: reconnect the account, then try again. (${error.message})`
          : `TikTok did not tell Herald ${account.handle}’s posting options: ${error.message} Try again in a moment.`,
    };
  }
}
