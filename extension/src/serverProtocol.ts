// Generated from server/aicmo_lsp/protocol.py by `make docs` (python -m aicmo_lsp.protocol). Do not edit.

/** The language server's commands (workspace/executeCommand). */
export const ServerCommand = {
  generateSection: 'aicmo.generateSection',
  regenerateAllFailing: 'aicmo.regenerateAllFailing',
  showSection: 'aicmo.showSection',
  revalidate: 'aicmo.revalidate',
  listPacks: 'aicmo.listPacks',
  listRules: 'aicmo.listRules',
  stats: 'aicmo.stats',
  setPack: 'aicmo.setPack',
  newReport: 'aicmo.newReport',
  applySection: 'aicmo.applySection',
  scorecard: 'aicmo.scorecard',
} as const;

/** The language server's own notifications. */
export const ServerNotification = {
  status: 'aicmo/status',
  setSecrets: 'aicmo/setSecrets',
} as const;
