import { randomUUID } from 'node:crypto';
import { emptyMastery, type LearnerMastery } from './learnerMastery.js';

export interface LearningInstanceRecord {
  id: string;
  graphId: string;
  name: string;
  startDate: string | undefined;
  endDate: string | undefined;
}

export type RegistrationType = 'learner' | 'instructor';

export interface RegistrationRecord {
  id: string;
  accountId: string;
  learningInstanceId: string;
  type: RegistrationType;
  deletedAt: number | undefined;
  /** Events accepted so far; part of the recommendation's deterministic seed. */
  eventCount: number;
  /** What the mastery model knows of this learner (see `learnerMastery.ts`). */
  mastery: LearnerMastery;
}

/** Documented: at most 500 registrations per account and per learning instance. */
export const MAX_REGISTRATIONS = 500;

export type RegistrationRefusal = 'account-limit' | 'instance-limit' | 'duplicate';

/** Learning instances, registrations and the learning activity recorded from events. */
export class LearningStore {
  /** Registrations per instance before the entity limit (500 unless a test lowers it). */
  readonly maxPerInstance: number;

  constructor(maxPerInstance: number = MAX_REGISTRATIONS) {
    this.maxPerInstance = maxPerInstance;
  }

  readonly #instances = new Map<string, LearningInstanceRecord>();
  readonly #registrations = new Map<string, RegistrationRecord>();
  readonly #activePerAccount = new Map<string, number>();
  readonly #activePerInstance = new Map<string, RegistrationRecord[]>();

  reset(): void {
    this.#instances.clear();
    this.#registrations.clear();
    this.#activePerAccount.clear();
    this.#activePerInstance.clear();
  }

  /** Replaces everything with what a state file held; registrations must name known instances. */
  restore(
    instances: readonly LearningInstanceRecord[],
    registrations: readonly RegistrationRecord[],
  ): void {
    this.reset();
    for (const instance of instances) this.#instances.set(instance.id, instance);
    for (const registration of registrations) {
      this.#registrations.set(registration.id, registration);
      if (registration.deletedAt !== undefined) continue;
      const { accountId, learningInstanceId } = registration;
      this.#activePerAccount.set(accountId, (this.#activePerAccount.get(accountId) ?? 0) + 1);
      const ofInstance = this.#activePerInstance.get(learningInstanceId) ?? [];
      ofInstance.push(registration);
      this.#activePerInstance.set(learningInstanceId, ofInstance);
    }
  }

  /** Every registration, deleted ones included (what a state file keeps). */
  allRegistrations(): RegistrationRecord[] {
    return [...this.#registrations.values()];
  }

  createInstance(fields: Omit<LearningInstanceRecord, 'id'>): LearningInstanceRecord {
    const instance = { id: randomUUID(), ...fields };
    this.#instances.set(instance.id, instance);
    return instance;
  }

  getInstance(id: string): LearningInstanceRecord | undefined {
    return this.#instances.get(id);
  }

  listInstances(): LearningInstanceRecord[] {
    return [...this.#instances.values()];
  }

  createRegistration(
    accountId: string,
    learningInstanceId: string,
    type: RegistrationType,
  ): RegistrationRecord | RegistrationRefusal {
    const ofInstance = this.#activePerInstance.get(learningInstanceId) ?? [];
    if (ofInstance.some((registration) => registration.accountId === accountId)) return 'duplicate';
    if ((this.#activePerAccount.get(accountId) ?? 0) >= MAX_REGISTRATIONS) return 'account-limit';
    if (ofInstance.length >= this.maxPerInstance) return 'instance-limit';
    const registration: RegistrationRecord = {
      id: randomUUID(),
      accountId,
      learningInstanceId,
      type,
      deletedAt: undefined,
      eventCount: 0,
      mastery: emptyMastery(),
    };
    this.#registrations.set(registration.id, registration);
    this.#activePerAccount.set(accountId, (this.#activePerAccount.get(accountId) ?? 0) + 1);
    ofInstance.push(registration);
    this.#activePerInstance.set(learningInstanceId, ofInstance);
    return registration;
  }

  /** Active (not deleted) registration by id. */
  getRegistration(id: string): RegistrationRecord | undefined {
    const registration = this.#registrations.get(id);
    return registration && registration.deletedAt === undefined ? registration : undefined;
  }

  registrationsOfInstance(learningInstanceId: string): RegistrationRecord[] {
    return [...(this.#activePerInstance.get(learningInstanceId) ?? [])];
  }

  deleteRegistration(id: string, now: number): boolean {
    const registration = this.getRegistration(id);
    if (!registration) return false;
    registration.deletedAt = now;
    this.#activePerAccount.set(
      registration.accountId,
      (this.#activePerAccount.get(registration.accountId) ?? 1) - 1,
    );
    const ofInstance = this.#activePerInstance.get(registration.learningInstanceId) ?? [];
    this.#activePerInstance.set(
      registration.learningInstanceId,
      ofInstance.filter((other) => other !== registration),
    );
    return true;
  }
}
