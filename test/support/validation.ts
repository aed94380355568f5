import { expect } from 'vitest';
import { ValidationError, type ValidationIssue } from '../../src/index';

/** Runs `run`, expecting a ValidationError; returns its issues. */
export function validationIssues(run: () => unknown): readonly ValidationIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

/** The paths of the issues of the ValidationError `run` throws. */
export function issuePaths(run: () => unknown): string[] {
  return validationIssues(run).map((issue) => issue.path);
}
