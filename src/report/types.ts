export type ReportFormat = 'table' | 'json' | 'sarif' | 'cyclonedx' | 'markdown';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'sarif', 'cyclonedx', 'markdown'];

/** `chainwatch diff --image` output formats (the same as the graph diff's). */
export type ImageDiffFormat = 'table' | 'json' | 'markdown';
