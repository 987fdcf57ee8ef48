// The new-cycle form's own checks, run before anything is sent: the same
// rules the API applies (docs/calibration.md), said in words, plus one the
// form adds: an input due date is not in the past.
import { ATTRIBUTIONS, type Attribution } from '../../api/types';

export interface Problems {
  name?: string;
  framework?: string;
  ems?: string;
  coOwners?: string;
  attribution?: string;
  due?: string;
}

export interface NewCycleForm {
  name: string;
  frameworkId: string;
  /** the frameworks offered; undefined while loading */
  frameworkIds?: string[];
  emIds: string[];
  /** the active EMs of the director's tree; undefined while loading */
  activeEmIds?: string[];
  coOwners: string[];
  /** the other active directors; undefined while loading */
  directorIds?: string[];
  meId: string;
  attribution: Attribution;
  due: string;
  /** YYYY-MM-DD, the director's today */
  today: string;
}

const NAME_MAX = 200;
const EMS_MAX = 500;

export function checkNewCycle(f: NewCycleForm): Problems {
  const p: Problems = {};
  const name = f.name.trim();
  if (!name) p.name = 'Give the cycle a name.';
  else if ([...name].length > NAME_MAX) p.name = `The name is too long: at most ${NAME_MAX} characters.`;

  if (f.frameworkId && f.frameworkIds && !f.frameworkIds.includes(f.frameworkId)) p.framework = 'Choose a framework from the list.';

  if (f.emIds.length === 0) p.ems = 'Choose at least one EM to calibrate.';
  else if (f.emIds.length > EMS_MAX) p.ems = `A cycle takes at most ${EMS_MAX} EMs.`;
  else if (f.activeEmIds && f.emIds.some((id) => !f.activeEmIds!.includes(id)))
    p.ems = 'Some chosen EMs are no longer active EMs of your tree: choose again.';

  if (f.coOwners.includes(f.meId)) p.coOwners = 'You lead the cycle already: you cannot also be a co-owner.';
  else if (new Set(f.coOwners).size !== f.coOwners.length) p.coOwners = 'A co-owner is chosen twice.';
  else if (f.directorIds && f.coOwners.some((id) => !f.directorIds!.includes(id)))
    p.coOwners = 'Co-owners must be active directors of your organisation.';

  if (!ATTRIBUTIONS.includes(f.attribution)) p.attribution = 'Choose how peers’ notes will be attributed.';

  if (f.due) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(f.due) || Number.isNaN(Date.parse(`${f.due}T00:00:00Z`)))
      p.due = 'Enter the input due date as a date: day, month and year.';
    else if (f.due < f.today) p.due = 'The input due date cannot be in the past.';
  }
  return p;
}

/** Today in the browser's time zone, as YYYY-MM-DD. */
export function localToday(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
