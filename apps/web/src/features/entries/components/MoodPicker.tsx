import { MOODS } from '../mood';

/**
 * Mood as a labelled group of five toggle buttons with text labels (not emoji alone); pressing
 * the chosen one again clears it. Arrow keys move between the buttons.
 */
export function MoodPicker({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <span className="field-label" id="entry-mood-label">
        Mood
      </span>
      <div className="mood-picker" role="group" aria-labelledby="entry-mood-label">
        {MOODS.map((mood) => {
          const selected = value === String(mood.value);
          return (
            <button
              key={mood.value}
              type="button"
              className="mood-option"
              aria-pressed={selected}
              onClick={() => onChange(selected ? '' : String(mood.value))}
              onKeyDown={(event) => {
                if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
                event.preventDefault();
                const sibling =
                  event.key === 'ArrowRight'
                    ? event.currentTarget.nextElementSibling
                    : event.currentTarget.previousElementSibling;
                if (sibling instanceof HTMLElement) sibling.focus();
              }}
            >
              <span aria-hidden="true">{mood.emoji}</span> {mood.label}
            </button>
          );
        })}
      </div>
    </div>
  );
}
