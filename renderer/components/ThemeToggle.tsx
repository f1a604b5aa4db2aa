import { useState, type ReactNode } from 'react';
import { applyThemePreference, readThemePreference, saveThemePreference, type ThemePreference } from '../state/theme-preference';
import { MonitorIcon, MoonIcon, SunIcon } from './icons';

const OPTIONS: Array<[ThemePreference, string, ReactNode]> = [
  ['system', 'Theme: follow the system', <MonitorIcon key="system" />],
  ['light', 'Theme: light', <SunIcon key="light" />],
  ['dark', 'Theme: dark', <MoonIcon key="dark" />],
];

/** System / light / dark, remembered across restarts. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<ThemePreference>(readThemePreference);
  const choose = (next: ThemePreference) => {
    setTheme(next);
    saveThemePreference(next);
    applyThemePreference(next);
  };
  return (
    <div className="theme-toggle" role="group" aria-label="Colour theme" data-testid="theme-toggle" data-theme-choice={theme}>
      {OPTIONS.map(([value, label, icon]) => (
        <button
          key={value}
          type="button"
          className="icon-button"
          aria-label={label}
          title={label}
          aria-pressed={theme === value}
          data-testid={`theme-${value}`}
          onClick={() => choose(value)}
        >
          {icon}
        </button>
      ))}
    </div>
  );
}
