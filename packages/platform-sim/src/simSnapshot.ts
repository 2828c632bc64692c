import type { AccountRecord } from './accountStore.js';
import type {
  LearningInstanceRecord,
  RegistrationRecord,
  RegistrationType,
} from './learningStore.js';
import type { SimState } from './simState.js';

/**
 * What a state file keeps: accounts (deleted ones too, so their external ids stay taken), learning
 * instances and registrations with their learning progress. Tokens, counters, rate-limit windows and
 * faults are deliberately left out: they belong to one run.
 */
interface SimSnapshotV1 {
  version: 1;
  accounts: {
    id: string;
    externalUserId: string;
    createdAt: number;
    deletedAt: number | null;
    test: boolean;
  }[];
  learningInstances: {
    id: string;
    graphId: string;
    name: string;
    startDate: string | null;
    endDate: string | null;
  }[];
  registrations: {
    id: string;
    accountId: string;
    learningInstanceId: string;
    type: RegistrationType;
    deletedAt: number | null;
    eventCount: number;
    /** Mastered modules (named `completed` so that older state files still load). */
    completedModules: string[];
    /** Evidence of modules not yet mastered; absent in older state files. */
    moduleEvidence?: Record<string, number>;
  }[];
}

/** The state as the JSON text of a state file. */
export function serializeSimState(state: SimState): string {
  const snapshot: SimSnapshotV1 = {
    version: 1,
    accounts: state.accounts.created().map((account) => ({
      id: account.id,
      externalUserId: account.externalUserId,
      createdAt: account.createdAt,
      deletedAt: account.deletedAt ?? null,
      test: account.test,
    })),
    learningInstances: state.learning.listInstances().map((instance) => ({
      id: instance.id,
      graphId: instance.graphId,
      name: instance.name,
      startDate: instance.startDate ?? null,
      endDate: instance.endDate ?? null,
    })),
    registrations: state.learning.allRegistrations().map((registration) => ({
      id: registration.id,
      accountId: registration.accountId,
      learningInstanceId: registration.learningInstanceId,
      type: registration.type,
      deletedAt: registration.deletedAt ?? null,
      eventCount: registration.eventCount,
      completedModules: [...registration.mastery.mastered],
      moduleEvidence: Object.fromEntries(registration.mastery.evidence),
    })),
  };
  return `${JSON.stringify(snapshot, null, 1)}\n`;
}

/**
 * Validates a state file's text and loads it into `state`, replacing what it held. Throws an `Error`
 * saying what is wrong (the caller adds which file); `state` is untouched then.
 */
export function restoreSimState(state: SimState, text: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('it is not valid JSON');
  }
  const root = record(json, 'the file');
  if (root.version !== 1) throw new Error('version must be 1');
  const system = state.accounts.systemAccount;

  const accounts: AccountRecord[] = [];
  const accountIds = new Set([system.id]);
  const externalIds = new Set([system.externalUserId]);
  list(root.accounts, 'accounts').forEach((item, index) => {
    const at = `accounts[${index}]`;
    const fields = record(item, at);
    const id = nonEmptyText(fields.id, `${at}.id`);
    const externalUserId = nonEmptyText(fields.externalUserId, `${at}.externalUserId`);
    if (accountIds.has(id)) throw new Error(`${at}.id is used twice (or by the system account)`);
    if (externalIds.has(externalUserId)) {
      throw new Error(`${at}.externalUserId is used twice (or by the system account)`);
    }
    accountIds.add(id);
    externalIds.add(externalUserId);
    accounts.push({
      id,
      externalUserId,
      createdAt: time(fields.createdAt, `${at}.createdAt`),
      deletedAt: optionalTime(fields.deletedAt, `${at}.deletedAt`),
      test: bool(fields.test, `${at}.test`),
      partnerAdmin: false,
    });
  });

  const instances: LearningInstanceRecord[] = [];
  const instanceIds = new Set<string>();
  list(root.learningInstances, 'learningInstances').forEach((item, index) => {
    const at = `learningInstances[${index}]`;
    const fields = record(item, at);
    const id = nonEmptyText(fields.id, `${at}.id`);
    if (instanceIds.has(id)) throw new Error(`${at}.id is used twice`);
    instanceIds.add(id);
    instances.push({
      id,
      graphId: nonEmptyText(fields.graphId, `${at}.graphId`),
      name: nonEmptyText(fields.name, `${at}.name`),
      startDate: optionalText(fields.startDate, `${at}.startDate`),
      endDate: optionalText(fields.endDate, `${at}.endDate`),
    });
  });

  const registrations: RegistrationRecord[] = [];
  const registrationIds = new Set<string>();
  list(root.registrations, 'registrations').forEach((item, index) => {
    const at = `registrations[${index}]`;
    const fields = record(item, at);
    const id = nonEmptyText(fields.id, `${at}.id`);
    if (registrationIds.has(id)) throw new Error(`${at}.id is used twice`);
    registrationIds.add(id);
    const accountId = nonEmptyText(fields.accountId, `${at}.accountId`);
    if (!accountIds.has(accountId)) throw new Error(`${at}.accountId names no account`);
    const learningInstanceId = nonEmptyText(fields.learningInstanceId, `${at}.learningInstanceId`);
    if (!instanceIds.has(learningInstanceId)) {
      throw new Error(`${at}.learningInstanceId names no learning instance`);
    }
    const type = fields.type;
    if (type !== 'learner' && type !== 'instructor') {
      throw new Error(`${at}.type must be "learner" or "instructor"`);
    }
    const eventCount = fields.eventCount;
    if (!Number.isSafeInteger(eventCount) || (eventCount as number) < 0) {
      throw new Error(`${at}.eventCount must be a non-negative integer`);
    }
    const completed = list(fields.completedModules, `${at}.completedModules`).map((moduleId, i) =>
      nonEmptyText(moduleId, `${at}.completedModules[${i}]`),
    );
    const evidence = new Map<string, number>();
    if (fields.moduleEvidence !== undefined) {
      const scores = record(fields.moduleEvidence, `${at}.moduleEvidence`);
      for (const [moduleId, score] of Object.entries(scores)) {
        if (!Number.isSafeInteger(score) || (score as number) <= 0) {
          throw new Error(`${at}.moduleEvidence values must be positive integers`);
        }
        evidence.set(moduleId, score as number);
      }
    }
    registrations.push({
      id,
      accountId,
      learningInstanceId,
      type,
      deletedAt: optionalTime(fields.deletedAt, `${at}.deletedAt`),
      eventCount: eventCount as number,
      mastery: { evidence, mastered: new Set(completed) },
    });
  });

  state.accounts.restore(accounts);
  state.learning.restore(instances, registrations);
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${at} must be an object`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${at} must be an array`);
  return value;
}

function nonEmptyText(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${at} must be a non-empty string`);
  }
  return value;
}

function optionalText(value: unknown, at: string): string | undefined {
  return value === null ? undefined : nonEmptyText(value, at);
}

function time(value: unknown, at: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new Error(`${at} must be epoch milliseconds`);
  }
  return value as number;
}

function optionalTime(value: unknown, at: string): number | undefined {
  return value === null ? undefined : time(value, at);
}

function bool(value: unknown, at: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`${at} must be a boolean`);
  return value;
}
