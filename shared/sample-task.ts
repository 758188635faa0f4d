// The sample task a new user runs from the empty state or the command palette: four turns with
// tool calls (one of a tool OpenClaw does not know), so every view fills. Tests drive the same one.
export const SAMPLE_TASK_ID = 'sample-task';

export const SAMPLE_MESSAGES = [
  'My name is Ada.',
  'What is the weather in Paris?',
  'Please search for otter facts.',
  'What is my name?',
] as const;
