// The Drive app property that tags the workbook the installer made (pure: the sync finds the workbook by it).
export const APP_PROPERTY = { key: 'partnernomics', value: 'workbook' } as const;
