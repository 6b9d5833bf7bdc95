// The weekly check_api_versions task: for each platform API version Herald is configured to
// call, finds its sunset in the table (providers/api-versions.ts) and, once it is within 60 days,
// within 14 days, or past, tells every platform staff member (users.is_platform_staff, ADR 0023)
// once per version and stage, with the setting to change. Agencies are not told: the setting is
// Herald's operators' to change. Notifications belong to an organization, so each staff member
// is told in the first organization they joined; one who belongs to none only gets the log line
// (the task logs every finding as a warning too).
import type { Db } from '@herald/db';
import { PLATFORM_LABELS } from '../domain/platforms.ts';
import {
  apiVersionLabel,
  knownApiVersion,
  suggestedApiVersion,
  sunsetStage,
  type ConfiguredApiVersion,
  type SunsetStage,
} from '../providers/api-versions.ts';
import { notify } from './notifications.ts';

export const CHECK_API_VERSIONS_TASK = 'check_api_versions';

export interface ApiVersionFinding {
  label: string;
  setting: string | null;
  /** YYYY-MM-DD; null when Herald's table does not know the version. */
  sunset: string | null;
  stage: SunsetStage | null;
  /** The sentence staff are sent (and the log says), when there is a stage. */
  message: string | null;
  /** Staff members told now (0 when each was told of this stage before). */
  notified: number;
  /** Staff members who belong to no organization, so could only be logged for. */
  unreachable: number;
}

const DAY_MS = 24 * 60 * 60_000;

export async function checkApiVersions(
  deps: { db: Db; now?: () => Date },
  versions: readonly ConfiguredApiVersion[],
): Promise<ApiVersionFinding[]> {
  const now = (deps.now ?? (() => new Date()))();
  const findings: ApiVersionFinding[] = [];
  for (const configured of versions) {
    const label = apiVersionLabel(configured.api, configured.version);
    const known = knownApiVersion(configured.api, configured.version);
    const base = { label, setting: configured.setting, notified: 0, unreachable: 0 };
    if (!known?.sunset) {
      findings.push({
        ...base,
        sunset: null,
        stage: null,
        message: known
          ? null
          : `${label} is not in Herald's table of API versions, so its end date is unknown: check the platform's changelog.`,
      });
      continue;
    }
    const sunset = new Date(`${known.sunset}T00:00:00Z`);
    const stage = sunsetStage(sunset, now);
    if (!stage) {
      findings.push({ ...base, sunset: known.sunset, stage: null, message: null });
      continue;
    }
    const message = sunsetMessage(configured, label, known.sunset, stage, now);
    const told = await notifyStaff(deps.db, {
      key: `api_version:${configured.api}:${configured.version}:${stage}`,
      title:
        stage === 'past' ? `${label} is no longer served` : `${label} stops on ${known.sunset}`,
      body: message,
      data: { api: configured.api, version: configured.version, stage, sunset: known.sunset },
    });
    findings.push({ ...base, sunset: known.sunset, stage, message, ...told });
  }
  return findings;
}

function sunsetMessage(
  configured: ConfiguredApiVersion,
  label: string,
  sunset: string,
  stage: SunsetStage,
  now: Date,
): string {
  const platforms = configured.platforms.map((p) => PLATFORM_LABELS[p]).join(' and ');
  const days = Math.ceil((Date.parse(`${sunset}T00:00:00Z`) - now.getTime()) / DAY_MS);
  const when =
    stage === 'past'
      ? `was sunset on ${sunset}: calls to it may fail (or be served by another version)`
      : `is sunset on ${sunset}, in ${days} day${days === 1 ? '' : 's'}`;
  const suggestion = suggestedApiVersion(configured.api, now);
  const fix = configured.setting
    ? `Set ${configured.setting} to a current version${suggestion ? ` (such as ${suggestion})` : ''} and restart the web app and the workers.`
    : 'Herald pins this version in code: update the adapter.';
  return `Herald publishes to ${platforms} through ${label}, which ${when}. ${fix}`;
}

/** One notification per staff member per key, ever; answers how many were told now. */
async function notifyStaff(
  db: Db,
  notice: { key: string; title: string; body: string; data: Record<string, string> },
): Promise<{ notified: number; unreachable: number }> {
  const staff = await db.user.findMany({
    where: { isPlatformStaff: true },
    select: {
      id: true,
      memberships: { orderBy: { createdAt: 'asc' }, take: 1, select: { organizationId: true } },
    },
  });
  let notified = 0;
  let unreachable = 0;
  for (const user of staff) {
    const organizationId = user.memberships[0]?.organizationId;
    if (!organizationId) {
      unreachable += 1;
      continue;
    }
    const toldBefore = await db.notification.findFirst({
      where: {
        userId: user.id,
        kind: 'api_version_sunset',
        data: { path: ['key'], equals: notice.key },
      },
      select: { id: true },
    });
    if (toldBefore) continue;
    await db.$transaction((tx) =>
      notify(tx, {
        organizationId,
        userId: user.id,
        kind: 'api_version_sunset',
        title: notice.title,
        body: notice.body,
        data: { ...notice.data, key: notice.key },
      }),
    );
    notified += 1;
  }
  return { notified, unreachable };
}
