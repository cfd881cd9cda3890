// The choice plan's rules, pure: which improvement actions are overdue, and what a public comment may contain.
// A comment is plain text from anybody: markup (any HTML tag) is refused rather than escaped and kept, more than one
// link is refused as spam, and a length limit holds. The pages show these messages as they are.

export type ActionStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'DONE' | 'DROPPED';
export const ACTION_STATUSES: Record<ActionStatus, string> = {
  NOT_STARTED: 'Not started',
  IN_PROGRESS: 'In progress',
  DONE: 'Done',
  DROPPED: 'Dropped',
};

/** Overdue: its due date has passed (before `today`, a London date) and it is neither done nor dropped. */
export function isOverdue(action: { dueOn: string; status: ActionStatus }, today: string): boolean {
  return action.dueOn < today && action.status !== 'DONE' && action.status !== 'DROPPED';
}

export const COMMENT_MAX = 2000;
export const NAME_MAX = 100;
export const EMAIL_MAX = 254;
/** Links a comment may carry: one (a reference); more is what spam looks like. */
export const MAX_LINKS = 1;

// A tag starts with a letter, "/", "!" or "?" straight after "<" (as HTML's do), so "3 < 5 and 6 > 2" is not one.
const TAG = /<[/!?a-z][^<>]*>/i;
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|biz|ru|xyz|top|io|co|uk|online|site|shop)(?:\/[^\s<>]*)?\b/gi;

/** Whether the text holds an HTML (or XML) tag. */
export const hasMarkup = (text: string): boolean => TAG.test(text);

/** How many links (http://…, www.…, or a bare web address) the text holds. */
export const linkCount = (text: string): number => (text.match(LINK) ?? []).length;

export type CommentProblem = { field: 'comment' | 'name' | 'email'; message: string };

/** What is wrong with a comment as typed (trimmed), in the form's order; empty when it may be kept. */
export function commentProblems(input: { comment: string; name: string; email: string; wantsAnswerByEmail: boolean }): CommentProblem[] {
  const problems: CommentProblem[] = [];
  const { comment, name, email } = input;
  if (comment.length === 0) problems.push({ field: 'comment', message: 'Enter your comment' });
  else if (comment.length > COMMENT_MAX) problems.push({ field: 'comment', message: `Your comment must be ${COMMENT_MAX.toLocaleString('en-GB')} characters or fewer` });
  else if (hasMarkup(comment)) problems.push({ field: 'comment', message: 'Your comment must not contain HTML tags, such as <b> or <a href>: write it as plain text' });
  else if (linkCount(comment) > MAX_LINKS) problems.push({ field: 'comment', message: `Your comment can contain at most ${MAX_LINKS} link to a website` });
  if (name.length > NAME_MAX) problems.push({ field: 'name', message: `Your name must be ${NAME_MAX} characters or fewer` });
  else if (hasMarkup(name) || linkCount(name) > 0) problems.push({ field: 'name', message: 'Your name must not contain HTML tags or links' });
  if (input.wantsAnswerByEmail) {
    if (email.length === 0) problems.push({ field: 'email', message: 'Enter your email address, or untick "Send me the answer by email"' });
    else if (email.length > EMAIL_MAX || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email)) problems.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.com' });
  }
  return problems;
}
