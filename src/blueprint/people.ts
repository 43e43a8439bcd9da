// Roles with the people the config names for them: "Head of Partnerships (Dana Ortiz)", or the role alone.
import type { Config } from '../config/schema.js';
import { ROLES, type Role } from '../domain/types.js';

type Team = Config['team'];

/** A role as a Mustache-friendly key: "Head of Partnerships" → head_of_partnerships, "CS/Services" → cs_services. */
export function roleKey(role: Role): string {
  return role.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/** The names the team gives a role, in config order, without duplicates. */
export function peopleFor(role: Role, team: Team): string[] {
  const names = team.filter((m) => m.role === role && m.name).map((m) => m.name!);
  return [...new Set(names)];
}

/**
 * "Role (Name)" when the config names someone for the role ("Role (Name & Name)" for several), the role
 * alone otherwise. Labels are also Notion select options, which may not contain a comma: none is written.
 */
export function roleLabel(role: Role, team: Team): string {
  const names = peopleFor(role, team).map((n) => n.replace(/,/g, ' ').replace(/\s+/g, ' ').trim());
  return names.length > 0 ? `${role} (${names.join(' & ')})` : role;
}

/** Every role's label, in the method's role order: the option list of each role property. */
export function roleLabels(team: Team): string[] {
  return ROLES.map((role) => roleLabel(role, team));
}

/**
 * What page templates read: `who.<key>` is the role's label, `names.<key>` and `emails.<key>` are the
 * named people and their emails (empty when nobody is named), keyed by `roleKey`.
 */
export function peopleView(team: Team): {
  who: Record<string, string>;
  names: Record<string, string>;
  emails: Record<string, string>;
} {
  const who: Record<string, string> = {};
  const names: Record<string, string> = {};
  const emails: Record<string, string> = {};
  for (const role of ROLES) {
    const key = roleKey(role);
    who[key] = roleLabel(role, team);
    names[key] = peopleFor(role, team).join(', ');
    emails[key] = [...new Set(team.filter((m) => m.role === role && m.email).map((m) => m.email!))].join(
      ', ',
    );
  }
  return { who, names, emails };
}
