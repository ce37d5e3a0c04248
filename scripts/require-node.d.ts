/** The Node.js major version Steady needs (it runs its TypeScript sources directly). */
export declare const requiredMajor: number;
/** The message for a Node.js older than `requiredMajor`, or null when `version` is new enough. */
export declare function oldNodeMessage(version: string): string | null;
