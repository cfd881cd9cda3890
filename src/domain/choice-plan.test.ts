import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { COMMENT_MAX, commentProblems, hasMarkup, isOverdue, linkCount } from './choice-plan.ts';

const ok = { name: '', email: '', wantsAnswerByEmail: false };

test('an action is overdue once its due date has passed, unless it is done or dropped', () => {
  assert.equal(isOverdue({ dueOn: '2026-01-31', status: 'IN_PROGRESS' }, '2026-02-01'), true);
  assert.equal(isOverdue({ dueOn: '2026-01-31', status: 'NOT_STARTED' }, '2026-01-31'), false, 'due today is not yet overdue');
  assert.equal(isOverdue({ dueOn: '2026-01-31', status: 'DONE' }, '2027-01-01'), false);
  assert.equal(isOverdue({ dueOn: '2026-01-31', status: 'DROPPED' }, '2027-01-01'), false);
});

test('plain text with no tag and at most one link is kept; markup and link spam are refused with a reason', () => {
  assert.deepEqual(commentProblems({ comment: 'The plan should say how patients in Craven get to Leeds.', ...ok }), []);
  assert.deepEqual(commentProblems({ comment: 'Waits of 3 < 5 weeks and 6 > 2 are fine; see https://www.nhs.uk/choice', ...ok }), []);
  assert.match(commentProblems({ comment: 'Nice <script>alert(1)</script>', ...ok })[0]!.message, /must not contain HTML tags/);
  assert.match(commentProblems({ comment: 'click <a href="x">here</a>', ...ok })[0]!.message, /HTML tags/);
  assert.match(commentProblems({ comment: 'buy http://a.example/x and www.b.example', ...ok })[0]!.message, /at most 1 link/);
  assert.match(commentProblems({ comment: 'cheap pills at pills.com and meds.ru', ...ok })[0]!.message, /at most 1 link/);
  assert.match(commentProblems({ comment: 'x'.repeat(COMMENT_MAX + 1), ...ok })[0]!.message, /2,000 characters or fewer/);
  assert.deepEqual(commentProblems({ comment: '', ...ok }).map((p) => p.field), ['comment']);
  assert.deepEqual(commentProblems({ comment: 'fine', name: '<b>Bob</b>', email: '', wantsAnswerByEmail: false }).map((p) => p.field), ['name']);
  assert.deepEqual(commentProblems({ comment: 'fine', name: '', email: '', wantsAnswerByEmail: true }).map((p) => p.field), ['email']);
  assert.deepEqual(commentProblems({ comment: 'fine', name: '', email: 'not an email', wantsAnswerByEmail: true }).map((p) => p.field), ['email']);
  assert.deepEqual(commentProblems({ comment: 'fine', name: 'Ann', email: 'ann@example.org', wantsAnswerByEmail: true }), []);
  assert.deepEqual(commentProblems({ comment: 'fine', name: '', email: 'ignored, not wanted', wantsAnswerByEmail: false }), [], 'an address not asked for is not checked (nor kept)');
});

test('property: text without "<" never has markup; any text with a tag inserted always has', () => {
  fc.assert(fc.property(fc.string().filter((s) => !s.includes('<')), (s) => !hasMarkup(s)));
  const tag = fc.tuple(fc.constantFrom('b', 'a href="x"', 'script', '/p', '!--', 'img src=x', 'DIV'), fc.string().filter((s) => !/[<>]/.test(s)))
    .map(([name, rest]) => `<${name}${rest}>`);
  fc.assert(fc.property(fc.string(), tag, fc.string(), (before, t, after) => hasMarkup(before + t + after)));
});

test('property: a comment refused for its links has at least two; adding a second link to a kept comment refuses it', () => {
  const words = fc.array(fc.constantFrom('choice', 'wait', 'the', 'hospital', 'Leeds', '18', 'weeks', '3 < 5', 'a.b'), { maxLength: 30 }).map((w) => w.join(' '));
  fc.assert(fc.property(words, (text) => {
    const problems = commentProblems({ comment: text || 'x', ...ok });
    return problems.every((p) => !/link/.test(p.message)) === (linkCount(text || 'x') <= 1);
  }));
  fc.assert(fc.property(words, (text) => {
    const spam = `${text} https://one.example/a http://two.example/b`;
    return commentProblems({ comment: spam, ...ok }).some((p) => /link/.test(p.message));
  }));
});

test('property: any comment over the limit is refused, whatever it holds', () => {
  fc.assert(fc.property(fc.string({ minLength: COMMENT_MAX + 1, maxLength: COMMENT_MAX + 50 }), (s) => {
    const problems = commentProblems({ comment: s, ...ok });
    return problems.some((p) => p.field === 'comment');
  }));
});
