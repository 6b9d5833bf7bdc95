// How Google maps a JSON body onto its request message before any validation: an unknown field
// or a value of the wrong type refuses the whole request with "Invalid JSON payload received"
// (names in the proto's snake_case, as Google reports them). Only the LocalPost message is
// described here; output-only fields are accepted and ignored, as Google does.

type Spec =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'enum'; type: string; values: readonly string[] }
  | { kind: 'object'; fields: Record<string, Spec> }
  | { kind: 'array'; of: Spec };

const string: Spec = { kind: 'string' };
const int: Spec = { kind: 'int' };
const enumOf = (type: string, values: readonly string[]): Spec => ({ kind: 'enum', type, values });
const object = (fields: Record<string, Spec>): Spec => ({ kind: 'object', fields });

const DATE = object({ year: int, month: int, day: int });
const TIME_OF_DAY = object({ hours: int, minutes: int, seconds: int, nanos: int });

export const ACTION_TYPES = [
  'ACTION_TYPE_UNSPECIFIED',
  'BOOK',
  'ORDER',
  'SHOP',
  'LEARN_MORE',
  'SIGN_UP',
  'GET_OFFER',
  'CALL',
] as const;
export const TOPIC_TYPES = [
  'LOCAL_POST_TOPIC_TYPE_UNSPECIFIED',
  'STANDARD',
  'EVENT',
  'OFFER',
  'ALERT',
] as const;

const V4 = 'type.googleapis.com/google.mybusiness.v4';

export const LOCAL_POST: Spec = object({
  name: string,
  languageCode: string,
  summary: string,
  callToAction: object({
    actionType: enumOf(`${V4}.CallToAction.ActionType`, ACTION_TYPES),
    url: string,
  }),
  createTime: string,
  updateTime: string,
  scheduledTime: string,
  event: object({
    title: string,
    schedule: object({
      startDate: DATE,
      startTime: TIME_OF_DAY,
      endDate: DATE,
      endTime: TIME_OF_DAY,
    }),
  }),
  state: enumOf(`${V4}.LocalPost.LocalPostState`, [
    'LOCAL_POST_STATE_UNSPECIFIED',
    'REJECTED',
    'LIVE',
    'PROCESSING',
  ]),
  media: {
    kind: 'array',
    of: object({
      name: string,
      mediaFormat: enumOf(`${V4}.MediaItem.MediaFormat`, [
        'MEDIA_FORMAT_UNSPECIFIED',
        'PHOTO',
        'VIDEO',
      ]),
      sourceUrl: string,
      googleUrl: string,
    }),
  },
  searchUrl: string,
  topicType: enumOf(`${V4}.LocalPostTopicType`, TOPIC_TYPES),
  alertType: enumOf(`${V4}.AlertType`, ['ALERT_TYPE_UNSPECIFIED', 'COVID_19']),
  offer: object({ couponCode: string, redeemOnlineUrl: string, termsConditions: string }),
});

export const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Why `value` does not fit `spec` (Google's sentence and the field's path), or null. */
export function payloadProblem(
  value: unknown,
  spec: Spec,
  path = 'local_post',
): { message: string; field: string } | null {
  if (value === null) return null; // JSON null is "not set" in proto3 JSON
  const invalid = (type: string) => ({
    message: `Invalid value at '${path}' (${type}), ${JSON.stringify(value)}`,
    field: path,
  });
  switch (spec.kind) {
    case 'string':
      return typeof value === 'string' ? null : invalid('TYPE_STRING');
    case 'int':
      return Number.isInteger(value) ? null : invalid('TYPE_INT32');
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : invalid(spec.type);
    case 'array': {
      if (!Array.isArray(value)) {
        return {
          message: `Invalid JSON payload received. Expected an array for '${path}'.`,
          field: path,
        };
      }
      for (const [i, item] of value.entries()) {
        const problem = payloadProblem(item, spec.of, `${path}[${i}]`);
        if (problem) return problem;
      }
      return null;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        return {
          message: `Invalid JSON payload received. Expected an object for '${path}'.`,
          field: path,
        };
      }
      for (const [key, item] of Object.entries(value)) {
        const field = spec.fields[key];
        if (!field) {
          const where = path === 'local_post' ? '' : ` at '${path}'`;
          return {
            message: `Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.`,
            field: path,
          };
        }
        const problem = payloadProblem(item, field, `${path}.${snakeCase(key)}`);
        if (problem) return problem;
      }
      return null;
    }
  }
}
