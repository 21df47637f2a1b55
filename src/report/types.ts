export type ReportFormat = 'table' | 'json' | 'sarif' | 'cyclonedx' | 'markdown';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'sarif', 'cyclonedx', 'markdown'];
