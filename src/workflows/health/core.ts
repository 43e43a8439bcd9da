// Program hygiene (pure): which partners, to-dos, PBRs, roadmap steps and sync runs need a person, from plain rows and a date.

/** The pipeline stages a partner passes through in order; a stage's norm counts from the date it began. */
export const PIPELINE_STAGES = [
  'Sourced',
  'Researching',
  'Discovery',
  'Scoring',
  'Negotiating',
  'Signed',
  'Launching',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Days a partner of a type may stay in each stage, by the type's name as the Partnership type select shows it. */
export type StageNorms = Record<string, Partial<Record<PipelineStage, number>>>;

export interface HealthPartner {
  id: string;
  name: string;
  /** The Partnership type select (its display name), or null. */
  type: string | null;
  stage: string | null;
  owners: string[];
  /** YYYY-MM-DD, or null. */
  signedOn: string | null;
  launchDate: string | null;
  /** When the page was created (YYYY-MM-DD): a new partner starts in Sourced. */
  created: string;
  /** When the stage last changed (YYYY-MM-DD), where the workspace records it; undefined where it does not. */
  stageChanged?: string | null;
  example: boolean;
}

export interface HealthTodo {
  id: string;
  name: string;
  owners: string[];
  due: string | null;
  status: string | null;
  /** Page IDs of the partners it is for. */
  partnerIds: string[];
}

export interface HealthPbr {
  id: string;
  name: string;
  partnerIds: string[];
  /** The Quarter text as typed ("2027Q1", "Q1 2027", "2027-Q1"; "Q1" alone names no year). */
  quarter: string | null;
  date: string | null;
}

export interface HealthStep {
  id: string;
  name: string;
  number: number | null;
  status: string | null;
  due: string | null;
}

/** The last sync as the workbook records it. */
export interface HealthSync {
  at: string | null;
  /** Values the last sync overwrote because the other side owns the field (logged on the Sync Log). */
  conflicts: number;
  /** Workbook rows the last sync could not match: no Notion ID, or an ID another row has. */
  openRows: number;
}

export interface HealthRows {
  /** Null when Notion was not read: its checks are not made. */
  partners: HealthPartner[] | null;
  todos: HealthTodo[] | null;
  pbrs: HealthPbr[] | null;
  roadmap: HealthStep[] | null;
  /** Null when the workbook was not read or no sync has run. */
  sync: HealthSync | null;
}

export type FindingKind =
  | 'partner-without-owner'
  | 'overdue-todo'
  | 'stuck-in-stage'
  | 'no-pbr-this-quarter'
  | 'roadmap-step-past-due'
  | 'sync-conflicts';

export interface Finding {
  kind: FindingKind;
  /** The partner's, to-do's or step's name ("Sync Log" for the sync). */
  item: string;
  detail: string;
  /** The date the problem dates from (YYYY-MM-DD), when one is known. */
  since: string | null;
  /** The Notion page, when the finding is about one. */
  pageId?: string;
}

/** Each kind's heading and fix, in the order the report lists them. */
export const KINDS: readonly { kind: FindingKind; title: string; fix: string }[] = [
  {
    kind: 'partner-without-owner',
    title: 'Partners without an owner',
    fix: 'assign an owner in Notion → Partners (the Owner column)',
  },
  {
    kind: 'overdue-todo',
    title: 'Overdue to-dos',
    fix: 'finish it, or agree a new due date, in Notion → Milestones & To-Dos',
  },
  {
    kind: 'stuck-in-stage',
    title: "Partners in a stage longer than their type's norm",
    fix: 'move the partner on (or to Paused or Declined) in Notion → Partners, or note what it waits for',
  },
  {
    kind: 'no-pbr-this-quarter',
    title: 'Active partners with no PBR this quarter',
    fix: 'schedule one in Notion → PBRs (`partnernomics pbr new` opens a quarter’s PBRs)',
  },
  {
    kind: 'roadmap-step-past-due',
    title: 'Roadmap steps past due',
    fix: 'finish the step, or move its Due date, in Notion → QLP Roadmap',
  },
  {
    kind: 'sync-conflicts',
    title: 'Sync conflicts open',
    fix: 'read the Sync Log tab of the workbook, fix each row there or in Notion, then run `partnernomics sync`',
  },
];

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of a date or date-time (its own calendar day as written), or null when it is not one. */
export function dayOf(value: string | null | undefined): string | null {
  const m = value ? /^(\d{4}-\d{2}-\d{2})/.exec(value) : null;
  return m ? m[1]! : null;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export interface QuarterSpan {
  /** "2027Q1". */
  id: string;
  /** First day, YYYY-MM-DD. */
  start: string;
  /** First day of the next quarter. */
  end: string;
}

/** The calendar quarter a day falls in. */
export function quarterOfDay(day: string): QuarterSpan {
  const year = Number(day.slice(0, 4));
  const q = Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1;
  const first = (y: number, quarter: number) => `${y}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
  return {
    id: `${year}Q${q}`,
    start: first(year, q),
    end: q === 4 ? first(year + 1, 1) : first(year, q + 1),
  };
}

/** A Quarter text as "2027Q1" ("2027Q1", "2027 Q1", "2027-Q1", "Q1 2027", "Q1-2027"), or null (no year: "Q1"). */
export function quarterIdOf(text: string | null): string | null {
  if (!text) return null;
  const t = text.trim();
  const yq = /^(\d{4})\s*[-/ ]?\s*Q([1-4])$/i.exec(t);
  if (yq) return `${yq[1]}Q${yq[2]}`;
  const qy = /^Q([1-4])\s*[-/ ]?\s*(\d{4})$/i.exec(t);
  return qy ? `${qy[2]}Q${qy[1]}` : null;
}

/** Where a partner's time in its stage counts from: the stage it is anchored to, the date, and what that date is. */
interface StageAnchor {
  index: number;
  day: string;
  what: string;
}

/**
 * The latest known date at or before the partner's stage. Notion keeps no stage history, so only dates the
 * workspace records are used: the stage-change date where the workspace has one (exact); else the Launch
 * date opens Launching, the Signed on date opens Signed, and the page's creation opens Sourced (a partner
 * is created as a sourced candidate). An anchor before the stage gives the time since that event, checked
 * against the norms of every stage from there to this one: a partner is flagged only when it is behind the
 * type's whole schedule, never on a guess of when it entered its stage.
 */
function anchorOf(p: HealthPartner, index: number): StageAnchor {
  const changed = dayOf(p.stageChanged);
  if (changed) return { index, day: changed, what: `in ${PIPELINE_STAGES[index]} since` };
  const launching = PIPELINE_STAGES.indexOf('Launching');
  const signed = PIPELINE_STAGES.indexOf('Signed');
  const launch = dayOf(p.launchDate);
  if (index >= launching && launch) return { index: launching, day: launch, what: 'launched on' };
  const signedOn = dayOf(p.signedOn);
  if (index >= signed && signedOn) return { index: signed, day: signedOn, what: 'signed on' };
  return { index: 0, day: p.created, what: 'added as a candidate on' };
}

function stuckFinding(p: HealthPartner, today: string, norms: StageNorms): Finding | null {
  const index = PIPELINE_STAGES.indexOf(p.stage as PipelineStage);
  const typeNorms = p.type ? norms[p.type] : undefined;
  if (index < 0 || !typeNorms || typeNorms[PIPELINE_STAGES[index]!] === undefined) return null;
  const anchor = anchorOf(p, index);
  const stages = PIPELINE_STAGES.slice(anchor.index, index + 1);
  // A stage without a norm in the span leaves its time unknown: no finding rather than a wrong one.
  const spans = stages.map((s) => typeNorms[s]);
  if (spans.some((d) => d === undefined)) return null;
  const allowed = spans.reduce<number>((sum, d) => sum + (d ?? 0), 0);
  const days = daysBetween(anchor.day, today);
  if (days <= allowed) return null;
  const through =
    stages.length === 1
      ? `the ${p.type} norm for ${p.stage} is ${allowed} days`
      : `the ${p.type} norm from ${stages[0]} through ${p.stage} is ${allowed} days`;
  return {
    kind: 'stuck-in-stage',
    item: p.name,
    detail: `${p.stage}, ${anchor.what} ${anchor.day}: ${days} days; ${through}`,
    since: anchor.day,
    pageId: p.id,
  };
}

const names = (owners: readonly string[]) => (owners.length ? owners.join(', ') : 'no owner');

/**
 * Every finding on `today` (YYYY-MM-DD), grouped by kind in the order of KINDS. Example rows (the Example box
 * ticked) are left out, and so are PBRs of example partners. A date is past once its day is over: a to-do or
 * step due today is not late yet. Quarters are calendar quarters.
 */
export function programHealth(rows: HealthRows, today: string, norms: StageNorms): Finding[] {
  const found: Finding[] = [];
  const partners = (rows.partners ?? []).filter((p) => !p.example);
  const partnerName = new Map((rows.partners ?? []).map((p) => [p.id, p.name]));

  for (const p of partners) {
    if (p.owners.length === 0 && p.stage !== 'Declined')
      found.push({
        kind: 'partner-without-owner',
        item: p.name,
        detail: `${p.stage ?? 'no stage'}${p.type ? `, ${p.type}` : ''}`,
        since: p.created,
        pageId: p.id,
      });
  }

  for (const t of rows.todos ?? []) {
    const due = dayOf(t.due);
    if (!due || t.status === 'Done' || due >= today) continue;
    const forWhom = t.partnerIds.flatMap((id) => partnerName.get(id) ?? []);
    found.push({
      kind: 'overdue-todo',
      item: t.name,
      detail: `due ${due}, ${daysBetween(due, today)} day(s) ago; ${t.status ?? 'no status'}; ${names(t.owners)}${forWhom.length ? `; for ${forWhom.join(', ')}` : ''}`,
      since: due,
      pageId: t.id,
    });
  }

  for (const p of partners) {
    const stuck = stuckFinding(p, today, norms);
    if (stuck) found.push(stuck);
  }

  if (rows.pbrs) {
    const quarter = quarterOfDay(today);
    const reviewed = new Set<string>();
    for (const pbr of rows.pbrs) {
      const date = dayOf(pbr.date);
      const inQuarter =
        (date !== null && date >= quarter.start && date < quarter.end) ||
        quarterIdOf(pbr.quarter) === quarter.id;
      if (inQuarter) for (const id of pbr.partnerIds) reviewed.add(id);
    }
    for (const p of partners) {
      if (p.stage !== 'Active' || reviewed.has(p.id)) continue;
      found.push({
        kind: 'no-pbr-this-quarter',
        item: p.name,
        detail: `Active, no PBR dated in ${quarter.id} (${quarter.start} to ${daysBefore(quarter.end)}) or with Quarter ${quarter.id}`,
        since: quarter.start,
        pageId: p.id,
      });
    }
  }

  const steps = [...(rows.roadmap ?? [])].sort((a, b) => (a.number ?? 99) - (b.number ?? 99));
  for (const s of steps) {
    const due = dayOf(s.due);
    if (!due || s.status === 'Done' || due >= today) continue;
    found.push({
      kind: 'roadmap-step-past-due',
      item: s.number === null ? s.name : `${s.number}. ${s.name}`,
      detail: `due ${due}, ${daysBetween(due, today)} day(s) ago; ${s.status ?? 'no status'}`,
      since: due,
      pageId: s.id,
    });
  }

  const sync = rows.sync;
  if (sync && (sync.conflicts > 0 || sync.openRows > 0)) {
    const parts = [
      ...(sync.conflicts > 0 ? [`${sync.conflicts} value(s) overwritten by the last sync`] : []),
      ...(sync.openRows > 0
        ? [`${sync.openRows} workbook row(s) without a Notion ID or with a duplicate one`]
        : []),
    ];
    found.push({
      kind: 'sync-conflicts',
      item: 'Sync Log',
      detail: `${parts.join('; ')}${sync.at ? ` (last sync ${sync.at})` : ''}`,
      since: dayOf(sync.at),
    });
  }

  const order = new Map(KINDS.map((k, i) => [k.kind, i]));
  return found
    .map((f, i) => ({ f, i }))
    .sort((a, b) => order.get(a.f.kind)! - order.get(b.f.kind)! || a.i - b.i)
    .map(({ f }) => f);
}

function daysBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}
