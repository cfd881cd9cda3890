// A journey of questions, one per page, as the NHS service manual asks: each page's next is the first question not
// yet answered (or the check-your-answers page), and its back link is the question before it.

export interface Journey<Step extends string, Answers> {
  /** the first question not answered yet, or the check page once all are */
  next(answers: Answers): string;
  /** the page before `step`, for its back link */
  back(step: Step | 'check'): string;
  complete(answers: Answers): boolean;
}

/**
 * `base` is the journey's address (its questions are `${base}/${step}`, its check page `${base}/check`); `start` is
 * where the first question's back link leads; `done` says whether a step is answered.
 */
export function journey<const Step extends string, Answers>(base: string, start: string, steps: readonly Step[], done: Record<Step, (a: Answers) => boolean>): Journey<Step, Answers> {
  return {
    next(answers) {
      const step = steps.find((s) => !done[s](answers));
      return step ? `${base}/${step}` : `${base}/check`;
    },
    back(step) {
      const i = step === 'check' ? steps.length : steps.indexOf(step);
      return i === 0 ? start : `${base}/${steps[i - 1]}`;
    },
    complete(answers) {
      return steps.every((s) => done[s](answers));
    },
  };
}
