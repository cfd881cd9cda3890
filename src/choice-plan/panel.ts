// What the self-assessment's item page shows of the choice plan: the improvement actions that improve the item, each
// with its state and a link to it, so the assessment and the plan are read together (the guide's action 4.1).
// buildApp hands this to the assurance feature's pages, which know nothing of the plan.
import type { Deps } from '../deps.ts';
import type { ImprovementActionsPanel } from '../web/panels.ts';
import { addViews, renderFragment } from '../web/render.ts';
import { actionsByItem } from './service.ts';

export function improvementActions(deps: Pick<Deps, 'database'>): ImprovementActionsPanel {
  addViews(new URL('./views', import.meta.url));
  const db = deps.database.db;
  return async (icbCode, itemId, icbParam) => {
    const actions = (await actionsByItem(db, icbCode)).get(itemId) ?? [];
    const icb: Record<string, string> = icbParam ? { icb: icbParam } : {};
    const link = (path: string, extra: Record<string, string> = {}) => {
      const q = new URLSearchParams({ ...icb, ...extra }).toString();
      return q ? `${path}?${q}` : path;
    };
    return renderFragment('item-actions.njk', {
      actions: actions.map((a) => ({ ...a, href: link(`/commissioner/choice-plan/actions/${a.id}`) })),
      newHref: link('/commissioner/choice-plan/actions/new', { item: itemId }),
    });
  };
}
