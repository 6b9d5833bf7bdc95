// Herald's look, as a Mantine theme (docs/decisions/0036): one indigo accent, system fonts,
// quiet radii. Light and dark come from Mantine's colour schemes; components read the
// theme rather than hand-written CSS.
import { createTheme, type MantineColorsTuple } from '@mantine/core';

/** Herald's accent (#3a56c5 at index 6), light to dark. */
const herald: MantineColorsTuple = [
  '#eef1fc',
  '#dce2f6',
  '#b6c2ec',
  '#8ea0e2',
  '#6c83d9',
  '#5570d4',
  '#3a56c5',
  '#3249b0',
  '#2d449f',
  '#22378c',
];

export const theme = createTheme({
  primaryColor: 'herald',
  colors: { herald },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  defaultRadius: 'md',
  cursorType: 'pointer',
  headings: { fontWeight: '650' },
});
