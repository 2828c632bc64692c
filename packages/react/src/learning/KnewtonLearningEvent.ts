/** What a page reports about one interaction; the kit adds the id (and the time, unless given). */
export type KnewtonLearningEvent = {
  /** The module (`mref-…`) the learner worked on. */
  moduleId: string;
  /** When the interaction ended (ISO-8601 with a time zone). @default now */
  interactionEndTime?: string | undefined;
  /** Time spent, in milliseconds (a non-negative integer). */
  durationMs?: number | undefined;
  /** Whether the learner finished the module's content. */
  isComplete?: boolean | undefined;
} & (
  | {
      /** A checked answer. */
      type: 'graded';
      isCorrect: boolean;
    }
  | {
      /** Any other interaction (a video watched, a page read). */
      type: 'ungraded';
      isCorrect?: never;
    }
);
