import { describe, expect, it } from 'vitest';
import { roleAllows } from './permissions.ts';
import {
  canAssignRole,
  canManageMember,
  leavesNoOwner,
  mayBeLimitedToClients,
  passwordProblem,
  slugify,
} from './team.ts';

describe('team rules', () => {
  it('only owners give the owner role; admins give the others; nobody else gives any', () => {
    expect(canAssignRole('owner', 'owner')).toBe(true);
    expect(canAssignRole('admin', 'owner')).toBe(false);
    expect(canAssignRole('admin', 'client_approver')).toBe(true);
    expect(canAssignRole('editor', 'viewer')).toBe(false);
    expect(canManageMember('admin', 'owner')).toBe(false);
    expect(canManageMember('admin', 'editor')).toBe(true);
  });

  it('never leaves an organization without an owner', () => {
    expect(leavesNoOwner(1, 'owner', 'admin')).toBe(true);
    expect(leavesNoOwner(1, 'owner', null)).toBe(true);
    expect(leavesNoOwner(2, 'owner', null)).toBe(false);
    expect(leavesNoOwner(1, 'owner', 'owner')).toBe(false);
    expect(leavesNoOwner(1, 'editor', null)).toBe(false);
  });

  it('limits anyone to some clients but an owner', () => {
    expect(mayBeLimitedToClients('owner')).toBe(false);
    expect(mayBeLimitedToClients('editor')).toBe(true);
  });

  it('client approvers read and approve, and write nothing', () => {
    expect(roleAllows('client_approver', 'posts:approve')).toBe(true);
    expect(roleAllows('client_approver', 'posts:read')).toBe(true);
    expect(roleAllows('client_approver', 'posts:write')).toBe(false);
    expect(roleAllows('client_approver', 'team:read')).toBe(false);
    expect(roleAllows('editor', 'posts:approve')).toBe(false);
    expect(roleAllows('admin', 'team:manage')).toBe(true);
    expect(roleAllows('editor', 'team:manage')).toBe(false);
  });

  it('says why a password is refused', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(300))).toMatch(/at most 256/);
    expect(passwordProblem('me@agency.test', 'Me@Agency.test')).toMatch(/email/);
    expect(passwordProblem(' '.repeat(14))).toMatch(/only spaces/);
    expect(passwordProblem('correct horse battery')).toBeNull();
  });

  it('makes a slug of any agency name', () => {
    expect(slugify('Bright & Bold Agency')).toBe('bright-bold-agency');
    expect(slugify('Café Société')).toBe('cafe-societe');
    expect(slugify('!!!')).toBe('agency');
  });
});
