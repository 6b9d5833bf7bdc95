import { describe, expect, it } from 'vitest';
import {
  EMAILED_NOTIFICATION_KINDS,
  NOTIFICATION_KIND_INFO,
  NOTIFICATION_KINDS,
  notificationLink,
  wantsEmail,
} from './notifications.ts';

const post = '11111111-1111-4111-8111-111111111111';
const client = '22222222-2222-4222-8222-222222222222';
const account = '33333333-3333-4333-8333-333333333333';

describe('notification kinds', () => {
  it('marks exactly the emailed kinds as emailed', () => {
    expect(NOTIFICATION_KINDS.filter((kind) => NOTIFICATION_KIND_INFO[kind].emailed)).toEqual(
      EMAILED_NOTIFICATION_KINDS,
    );
  });

  it('honours a choice, else the default', () => {
    expect(wantsEmail('account_expiring', undefined)).toBe(true);
    expect(wantsEmail('account_expiring', false)).toBe(false);
    expect(wantsEmail('publish_deferred', undefined)).toBe(false);
    expect(wantsEmail('publish_deferred', true)).toBe(true);
  });
});

describe('notificationLink', () => {
  it('leads to the post, else the accounts, else the client', () => {
    expect(notificationLink({ postId: post, targetId: account })).toBe(`/posts/${post}`);
    expect(notificationLink({ accountId: account, clientId: client })).toBe(
      `/clients/${client}/accounts`,
    );
    expect(notificationLink({ accountId: account }, client)).toBe(`/clients/${client}/accounts`);
    expect(notificationLink({ clientId: client })).toBe(`/clients/${client}`);
  });

  it('leads nowhere from data naming nothing, or something that is not an id', () => {
    expect(notificationLink({})).toBeNull();
    expect(notificationLink({ accountId: account })).toBeNull();
    expect(notificationLink({ postId: '../admin' })).toBeNull();
    expect(notificationLink(null)).toBeNull();
    expect(notificationLink([post])).toBeNull();
  });
});
