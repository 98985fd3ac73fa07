export const HEADER: string
export function render(doc: unknown): Promise<string>
