import { routeHref } from '../routing/route.js';
import { catalog } from './catalog.js';

/** Every course and its lessons. Local content: it needs nothing but the app. */
export function CourseList() {
  return (
    <ul className="course-list">
      {catalog.map((course) => (
        <li key={course.id} className="card course-card">
          <h2 id={`course-${course.id}`}>{course.title}</h2>
          <p className="muted">{course.description}</p>
          <ol className="lesson-links" aria-labelledby={`course-${course.id}`}>
            {course.lessons.map((lesson) => (
              <li key={lesson.id}>
                <a href={routeHref({ name: 'lesson', lessonId: lesson.id })}>{lesson.title}</a>
              </li>
            ))}
          </ol>
        </li>
      ))}
    </ul>
  );
}
