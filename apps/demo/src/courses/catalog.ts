/** One multiple-choice practice question. */
export interface PracticeQuestion {
  id: string;
  prompt: string;
  choices: readonly string[];
  /** Index into `choices`. */
  answer: number;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  /**
   * The lesson's module in the Knewton knowledge graph, so a recommendation (a list of module ids) can
   * link back to a lesson. The demo's lessons are the first modules, in teaching order, of the
   * simulator's seeded graph "Algebra foundations" (`gref-b4ad52b2-5e7f-5034-be72-472cf8078e62`).
   */
  moduleId: string;
  questions: readonly PracticeQuestion[];
}

export interface Course {
  id: string;
  title: string;
  description: string;
  lessons: readonly Lesson[];
}

/**
 * The app's own content. It lives in the app, not on the platform: the lessons work whether or not
 * Knewton is reachable.
 */
export const catalog: readonly Course[] = [
  {
    id: 'fractions',
    title: 'Fractions',
    description: 'Compare, simplify and add fractions.',
    lessons: [
      {
        id: 'fractions-compare',
        title: 'Comparing fractions',
        summary: 'Which is bigger? Use a common denominator to find out.',
        moduleId: 'mref-81287326-2cc3-5e8e-a78d-763cb1f455a5',
        questions: [
          {
            id: 'q1',
            prompt: 'Which is larger: 1/2 or 1/3?',
            choices: ['1/2', '1/3', 'They are equal'],
            answer: 0,
          },
          {
            id: 'q2',
            prompt: 'Which is larger: 3/4 or 2/3?',
            choices: ['2/3', '3/4', 'They are equal'],
            answer: 1,
          },
          { id: 'q3', prompt: 'Is 2/4 equal to 1/2?', choices: ['Yes', 'No'], answer: 0 },
        ],
      },
      {
        id: 'fractions-simplify',
        title: 'Simplifying fractions',
        summary: 'Divide the numerator and denominator by their greatest common divisor.',
        moduleId: 'mref-a6d17e6c-9097-5b03-a597-93cc868899c7',
        questions: [
          { id: 'q1', prompt: 'Simplify 4/8.', choices: ['2/4', '1/2', '1/4'], answer: 1 },
          { id: 'q2', prompt: 'Simplify 6/9.', choices: ['2/3', '3/6', '1/3'], answer: 0 },
          { id: 'q3', prompt: 'Simplify 10/15.', choices: ['5/10', '1/5', '2/3'], answer: 2 },
        ],
      },
      {
        id: 'fractions-add',
        title: 'Adding fractions',
        summary: 'Bring both fractions to a common denominator, then add the numerators.',
        moduleId: 'mref-ce161dfe-a5a0-5978-bdd2-77ec31faccd8',
        questions: [
          { id: 'q1', prompt: '1/4 + 1/4 = ?', choices: ['1/2', '2/8', '1/8'], answer: 0 },
          { id: 'q2', prompt: '1/2 + 1/3 = ?', choices: ['2/5', '5/6', '1/6'], answer: 1 },
          { id: 'q3', prompt: '2/3 + 1/6 = ?', choices: ['3/9', '5/6', '1/2'], answer: 1 },
        ],
      },
    ],
  },
  {
    id: 'algebra',
    title: 'Algebra basics',
    description: 'Expressions, and equations with one unknown.',
    lessons: [
      {
        id: 'algebra-expressions',
        title: 'Evaluating expressions',
        summary: 'Replace the variable with its value, then calculate.',
        moduleId: 'mref-18f68b11-9065-5d6a-95fe-676fe9aaccf8',
        questions: [
          { id: 'q1', prompt: 'If x = 3, what is 2x + 1?', choices: ['7', '6', '5'], answer: 0 },
          { id: 'q2', prompt: 'If y = 4, what is y² − y?', choices: ['8', '12', '16'], answer: 1 },
          {
            id: 'q3',
            prompt: 'If a = 2 and b = 5, what is ab − a?',
            choices: ['10', '3', '8'],
            answer: 2,
          },
        ],
      },
      {
        id: 'algebra-equations',
        title: 'Solving linear equations',
        summary: 'Do the same thing to both sides until the unknown stands alone.',
        moduleId: 'mref-ca1bcd20-b396-50b7-bf35-e3757dc7d0b8',
        questions: [
          {
            id: 'q1',
            prompt: 'Solve x + 5 = 9.',
            choices: ['x = 4', 'x = 14', 'x = 5'],
            answer: 0,
          },
          { id: 'q2', prompt: 'Solve 3x = 12.', choices: ['x = 9', 'x = 4', 'x = 36'], answer: 1 },
          {
            id: 'q3',
            prompt: 'Solve 2x − 4 = 10.',
            choices: ['x = 3', 'x = 5', 'x = 7'],
            answer: 2,
          },
        ],
      },
    ],
  },
  {
    id: 'geometry',
    title: 'Geometry',
    description: 'Angles, areas and perimeters of simple shapes.',
    lessons: [
      {
        id: 'geometry-angles',
        title: 'Angles in a triangle',
        summary: 'The three angles of a triangle always add up to 180°.',
        moduleId: 'mref-133a9413-7c95-562f-bbfe-0b9ff253dd30',
        questions: [
          {
            id: 'q1',
            prompt: 'Two angles are 60° and 60°. The third is…',
            choices: ['60°', '90°', '30°'],
            answer: 0,
          },
          {
            id: 'q2',
            prompt: 'Two angles are 90° and 45°. The third is…',
            choices: ['90°', '45°', '35°'],
            answer: 1,
          },
          {
            id: 'q3',
            prompt: 'Can a triangle have two right angles?',
            choices: ['Yes', 'No'],
            answer: 1,
          },
        ],
      },
      {
        id: 'geometry-area',
        title: 'Area of rectangles',
        summary: 'Area is width times height.',
        moduleId: 'mref-30326a88-f790-5043-9fd1-b1e97011a875',
        questions: [
          {
            id: 'q1',
            prompt: 'A 3 × 4 rectangle has area…',
            choices: ['7', '12', '14'],
            answer: 1,
          },
          {
            id: 'q2',
            prompt: 'A square with side 5 has area…',
            choices: ['25', '20', '10'],
            answer: 0,
          },
          {
            id: 'q3',
            prompt: 'A 2 × 8 rectangle has the same area as a square with side…',
            choices: ['5', '6', '4'],
            answer: 2,
          },
        ],
      },
    ],
  },
];

export function findLesson(lessonId: string): { course: Course; lesson: Lesson } | undefined {
  for (const course of catalog) {
    const lesson = course.lessons.find((candidate) => candidate.id === lessonId);
    if (lesson) return { course, lesson };
  }
  return undefined;
}

export function findLessonByModuleId(moduleId: string): Lesson | undefined {
  for (const course of catalog) {
    const lesson = course.lessons.find((candidate) => candidate.moduleId === moduleId);
    if (lesson) return lesson;
  }
  return undefined;
}
