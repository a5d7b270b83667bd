/**
 * The columns each CSV of a Windows package is read by, with the spellings seen in the wild:
 * the WMI property names (Win32_Process, Win32_Service, Win32_Product) as Export-Csv writes
 * them, schtasks' English headers, and the variants other parsers accept (mde-api.md §5a).
 */
export const PROCESS_COLUMNS = {
  name: ["Name", "ProcessName", "Image Name", "Process Name"],
  pid: ["ProcessId", "PID", "Id", "Process Id"],
  ppid: ["ParentProcessId", "PPID", "Parent Process Id", "ParentPid"],
  path: ["ExecutablePath", "Path", "Executable Path", "ImagePath"],
  commandLine: ["CommandLine", "Command Line", "Cmdline"],
} as const;

export const SERVICE_COLUMNS = {
  name: ["Name", "ServiceName", "Service Name"],
  displayName: ["DisplayName", "Display Name"],
  state: ["State", "Status"],
  startMode: ["StartMode", "Start Mode", "StartType", "Start Type"],
  pid: ["ProcessId", "PID", "Process Id"],
  pathName: ["PathName", "Path Name", "BinaryPathName", "ImagePath", "Path"],
  startName: ["StartName", "Start Name", "Account", "LogOnAs"],
} as const;

export const TASK_COLUMNS = {
  host: ["HostName", "Host Name"],
  name: ["TaskName", "Task Name"],
  run: ["Task To Run", "TaskToRun", "Actions", "Command"],
  runAs: ["Run As User", "RunAsUser", "UserId"],
  author: ["Author"],
  state: ["Scheduled Task State", "ScheduledTaskState", "State"],
} as const;

export const PROGRAM_COLUMNS = {
  name: ["Name", "DisplayName", "Display Name", "Caption"],
  version: ["Version", "DisplayVersion", "Display Version"],
  vendor: ["Vendor", "Publisher"],
  installDate: ["InstallDate", "Install Date"],
} as const;
