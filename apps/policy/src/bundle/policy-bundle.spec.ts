import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildBundle, loadBundle } from './policy-bundle';

const READ = [
  '@id("analysts-read")',
  '@reason("analysts may read")',
  'permit(principal in Group::"analysts", action == Action::"sql.read", resource);',
  '',
  'forbid(principal, action == Action::"sql.write", resource)',
  'when { context.sql.deleteWithoutWhere.contains("orders") };',
].join('\n');

describe('buildBundle', () => {
  it('names policies by @id or by file and index, and reads their annotations', () => {
    const loaded = buildBundle([{ name: 'reads.cedar', text: READ }]);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    expect(Object.keys(loaded.bundle.policies)).toEqual(['analysts-read', 'reads.1']);
    expect(loaded.bundle.meta['analysts-read']).toEqual({
      id: 'analysts-read',
      review: false,
      reason: 'analysts may read',
      file: 'reads.cedar',
    });
    expect(loaded.bundle.revision).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes the revision when any file changes', () => {
    const a = buildBundle([{ name: 'reads.cedar', text: READ }]);
    const b = buildBundle([{ name: 'reads.cedar', text: `${READ}\n` }]);
    expect(a.ok && b.ok && a.bundle.revision !== b.bundle.revision).toBe(true);
  });

  it('rejects a syntax error naming the file and line', () => {
    const loaded = buildBundle([{ name: 'bad.cedar', text: 'permit(principal, action, resource);\n\nforbid(' }]);
    expect(loaded).toEqual({ ok: false, errors: [expect.stringMatching(/^bad\.cedar:3: /)] });
  });

  it('rejects a policy that does not match the schema, naming the file and line', () => {
    const text =
      'permit(principal, action, resource);\npermit(principal, action == Action::"sql.read", resource)\n  when { context.sql.nope };';
    const loaded = buildBundle([{ name: 'typo.cedar', text }]);
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.errors.join('\n')).toMatch(/^typo\.cedar:3: .*nope/);
  });

  it('rejects duplicate ids, a bad @decision and an empty bundle', () => {
    const dup = '@id("a") permit(principal, action, resource);';
    expect(
      buildBundle([
        { name: 'x.cedar', text: dup },
        { name: 'y.cedar', text: dup },
      ]),
    ).toEqual({
      ok: false,
      errors: ['y.cedar:1: policy id "a" is already used in x.cedar'],
    });
    const bad = buildBundle([{ name: 'z.cedar', text: '@decision("maybe") permit(principal, action, resource);' }]);
    expect(!bad.ok && bad.errors).toEqual(['z.cedar:1: @decision must be "review" (got "maybe")']);
    const onForbid = buildBundle([
      { name: 'f.cedar', text: '@decision("review") forbid(principal, action, resource);' },
    ]);
    expect(!onForbid.ok && onForbid.errors).toEqual(['f.cedar:1: @decision("review") belongs on a permit policy']);
    expect(buildBundle([])).toEqual({ ok: false, errors: ['the bundle holds no .cedar file'] });
  });

  it('reads how many approvals a review policy needs and from which groups', () => {
    const text = [
      '@id("two-groups")',
      '@decision("review")',
      '@approvals("2")',
      '@approver_groups("approvers, dba")',
      'permit(principal, action == Action::"sql.write", resource);',
    ].join('\n');
    const loaded = buildBundle([{ name: 'r.cedar', text }]);
    expect(loaded.ok && loaded.bundle.meta['two-groups']).toMatchObject({
      review: true,
      approvals: 2,
      approverGroups: ['approvers', 'dba'],
    });
    const bad = buildBundle([
      { name: 'a.cedar', text: '@approvals("0")\n@decision("review")\npermit(principal, action, resource);' },
      { name: 'b.cedar', text: '@approver_groups("dba") permit(principal, action, resource);' },
    ]);
    expect(!bad.ok && bad.errors).toEqual([
      'a.cedar:1: @approvals must be a whole number from 1 to 10 (got "0")',
      'b.cedar:1: @approvals and @approver_groups belong on a @decision("review") policy',
    ]);
  });
});

describe('shipped policies', () => {
  it('the default bundle loads', () => {
    const loaded = loadBundle(path.resolve(__dirname, '../../../../deploy/policies'));
    expect(loaded.ok ? Object.keys(loaded.bundle.policies) : loaded.errors).toEqual([
      'known-connections-only',
      'analysts-read',
      'analysts-write-review',
      'no-delete-without-where',
      'no-update-without-where',
      'no-ddl',
      'no-admin',
      'analysts-http-read',
      'analysts-http-write-review',
      'approvers-review',
    ]);
  });

  it("the README's examples validate against the schema", () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const examples = [...readme.matchAll(/```cedar\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(examples.length).toBeGreaterThan(0);
    const loaded = buildBundle(examples.map((text, i) => ({ name: `readme-${i}.cedar`, text })));
    expect(loaded.ok ? [] : loaded.errors).toEqual([]);
  });
});
