/**
 * What an ordinary Windows estate runs: the base services, processes and scheduled tasks every
 * Windows 10/11 or Server device has, and installable software with how common it is. A device
 * installs each product with its probability, so most devices share the common software and a
 * few carry something rare, deterministically by seed (deviceProfile.ts draws from this list).
 */

export interface Product {
  name: string;
  version: string;
  vendor: string;
  /** Share of devices that have it (0..1). */
  share: number;
  /** Service name, display name, binary. */
  service?: [string, string, string];
  /** A process it keeps running (full path). */
  process?: string;
  /** Scheduled task name and what it runs. */
  task?: [string, string];
}

const PF = "C:\\Program Files";
const PF86 = "C:\\Program Files (x86)";

export const PRODUCTS: readonly Product[] = [
  { name: "Microsoft Edge", version: "122.0.2365.92", vendor: "Microsoft Corporation", share: 1, service: ["edgeupdate", "Microsoft Edge Update Service (edgeupdate)", `"${PF86}\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe" /svc`], process: `${PF86}\\Microsoft\\Edge\\Application\\msedge.exe`, task: ["\\MicrosoftEdgeUpdateTaskMachineCore", `${PF86}\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe /c`] },
  { name: "Microsoft 365 Apps for enterprise - en-us", version: "16.0.17328.20184", vendor: "Microsoft Corporation", share: 0.92, service: ["ClickToRunSvc", "Microsoft Office Click-to-Run Service", `"${PF}\\Common Files\\Microsoft Shared\\ClickToRun\\OfficeClickToRun.exe" /service`], process: `${PF}\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE`, task: ["\\Microsoft\\Office\\Office Automatic Updates 2.0", `${PF}\\Common Files\\Microsoft Shared\\ClickToRun\\OfficeC2RClient.exe /frequentupdate SCHEDULEDTASK displaylevel=False`] },
  { name: "Microsoft Teams", version: "24033.811.2738.2546", vendor: "Microsoft Corporation", share: 0.85, process: `${PF}\\WindowsApps\\MSTeams_24033.811.2738.2546_x64__8wekyb3d8bbwe\\ms-teams.exe` },
  { name: "Google Chrome", version: "122.0.6261.129", vendor: "Google LLC", share: 0.7, service: ["gupdate", "Google Update Service (gupdate)", `"${PF86}\\Google\\Update\\GoogleUpdate.exe" /svc`], process: `${PF}\\Google\\Chrome\\Application\\chrome.exe`, task: ["\\GoogleUpdateTaskMachineCore{5C1D4E2A-9B3F-4C1E-8F2D-7A6B5C4D3E2F}", `${PF86}\\Google\\Update\\GoogleUpdate.exe /c`] },
  { name: "Adobe Acrobat Reader DC", version: "23.008.20470", vendor: "Adobe Systems Incorporated", share: 0.6, service: ["AdobeARMservice", "Adobe Acrobat Update Service", `"${PF}\\Common Files\\Adobe\\ARM\\1.0\\armsvc.exe"`], task: ["\\Adobe Acrobat Update Task", `${PF86}\\Common Files\\Adobe\\ARM\\1.0\\AdobeARM.exe`] },
  { name: "7-Zip 23.01 (x64)", version: "23.01", vendor: "Igor Pavlov", share: 0.55 },
  { name: "Zoom", version: "5.17.11", vendor: "Zoom Video Communications, Inc.", share: 0.4, process: `C:\\Users\\%USER%\\AppData\\Roaming\\Zoom\\bin\\Zoom.exe` },
  { name: "Microsoft Visual C++ 2015-2022 Redistributable (x64)", version: "14.38.33135", vendor: "Microsoft Corporation", share: 0.95 },
  { name: "Cisco Secure Client - AnyConnect VPN", version: "5.1.2.42", vendor: "Cisco Systems, Inc.", share: 0.5, service: ["csc_vpnagent", "Cisco Secure Client - AnyConnect VPN Agent", `"${PF86}\\Cisco\\Cisco Secure Client\\vpnagent.exe"`], process: `${PF86}\\Cisco\\Cisco Secure Client\\vpnagent.exe` },
  { name: "Notepad++ (64-bit x64)", version: "8.6.4", vendor: "Notepad++ Team", share: 0.2 },
  { name: "VLC media player", version: "3.0.20", vendor: "VideoLAN", share: 0.15 },
  { name: "Python 3.12.2 (64-bit)", version: "3.12.2150.0", vendor: "Python Software Foundation", share: 0.08 },
  { name: "Git", version: "2.44.0", vendor: "The Git Development Community", share: 0.07 },
  { name: "Wireshark 4.2.3 x64", version: "4.2.3", vendor: "The Wireshark developer community", share: 0.03 },
  { name: "PuTTY release 0.80 (64-bit)", version: "0.80.0.0", vendor: "Simon Tatham", share: 0.04 },
  { name: "AnyDesk", version: "8.0.8", vendor: "AnyDesk Software GmbH", share: 0.02, service: ["AnyDesk", "AnyDesk Service", `"${PF86}\\AnyDesk\\AnyDesk.exe" --service`], process: `${PF86}\\AnyDesk\\AnyDesk.exe` },
  { name: "TeamViewer", version: "15.51.5", vendor: "TeamViewer", share: 0.03, service: ["TeamViewer", "TeamViewer", `"${PF}\\TeamViewer\\TeamViewer_Service.exe"`], process: `${PF}\\TeamViewer\\TeamViewer_Service.exe` },
];

const S32 = "C:\\Windows\\system32";

/** Services every Windows device has: name, display name, binary, start mode, state, account. */
export const BASE_SERVICES: ReadonlyArray<[string, string, string, string, string, string]> = [
  ["BFE", "Base Filtering Engine", `${S32}\\svchost.exe -k LocalServiceNoNetworkFirewall -p`, "Auto", "Running", "NT AUTHORITY\\LocalService"],
  ["BITS", "Background Intelligent Transfer Service", `${S32}\\svchost.exe -k netsvcs -p`, "Manual", "Stopped", "LocalSystem"],
  ["Dhcp", "DHCP Client", `${S32}\\svchost.exe -k LocalServiceNetworkRestricted -p`, "Auto", "Running", "NT Authority\\LocalService"],
  ["Dnscache", "DNS Client", `${S32}\\svchost.exe -k NetworkService -p`, "Auto", "Running", "NT AUTHORITY\\NetworkService"],
  ["EventLog", "Windows Event Log", `${S32}\\svchost.exe -k LocalServiceNetworkRestricted -p`, "Auto", "Running", "NT AUTHORITY\\LocalService"],
  ["LanmanServer", "Server", `${S32}\\svchost.exe -k netsvcs -p`, "Auto", "Running", "LocalSystem"],
  ["LanmanWorkstation", "Workstation", `${S32}\\svchost.exe -k NetworkService -p`, "Auto", "Running", "NT AUTHORITY\\NetworkService"],
  ["mpssvc", "Windows Defender Firewall", `${S32}\\svchost.exe -k LocalServiceNoNetworkFirewall -p`, "Auto", "Running", "NT Authority\\LocalService"],
  ["RpcSs", "Remote Procedure Call (RPC)", `${S32}\\svchost.exe -k rpcss -p`, "Auto", "Running", "NT AUTHORITY\\NetworkService"],
  ["Schedule", "Task Scheduler", `${S32}\\svchost.exe -k netsvcs -p`, "Auto", "Running", "LocalSystem"],
  ["Sense", "Windows Defender Advanced Threat Protection Service", `"C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe"`, "Auto", "Running", "LocalSystem"],
  ["Spooler", "Print Spooler", `${S32}\\spoolsv.exe`, "Auto", "Running", "LocalSystem"],
  ["TermService", "Remote Desktop Services", `${S32}\\svchost.exe -k NetworkService`, "Manual", "Stopped", "NT Authority\\NetworkService"],
  ["WinDefend", "Microsoft Defender Antivirus Service", `"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24020.7-0\\MsMpEng.exe"`, "Auto", "Running", "LocalSystem"],
  ["WinRM", "Windows Remote Management (WS-Management)", `${S32}\\svchost.exe -k NetworkService -p`, "Manual", "Stopped", "NT AUTHORITY\\NetworkService"],
  ["wuauserv", "Windows Update", `${S32}\\svchost.exe -k netsvcs -p`, "Manual", "Running", "LocalSystem"],
];

/** Processes every device runs (beyond svchost instances): image path, parent image name. */
export const BASE_PROCESSES: ReadonlyArray<[string, string]> = [
  ["C:\\Windows\\System32\\smss.exe", "System"],
  ["C:\\Windows\\System32\\csrss.exe", "smss.exe"],
  ["C:\\Windows\\System32\\wininit.exe", "smss.exe"],
  ["C:\\Windows\\System32\\services.exe", "wininit.exe"],
  ["C:\\Windows\\System32\\lsass.exe", "wininit.exe"],
  ["C:\\Windows\\System32\\winlogon.exe", "smss.exe"],
  ["C:\\Windows\\System32\\spoolsv.exe", "services.exe"],
  ["C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24020.7-0\\MsMpEng.exe", "services.exe"],
  ["C:\\Program Files\\Windows Defender Advanced Threat Protection\\MsSense.exe", "services.exe"],
  ["C:\\Program Files\\Windows Defender Advanced Threat Protection\\SenseIR.exe", "MsSense.exe"],
  ["C:\\Windows\\explorer.exe", "userinit.exe"],
  ["C:\\Windows\\System32\\RuntimeBroker.exe", "svchost.exe"],
  ["C:\\Windows\\System32\\SearchIndexer.exe", "services.exe"],
  ["C:\\Windows\\System32\\taskhostw.exe", "svchost.exe"],
];

/** Built-in scheduled tasks: name and what they run. */
export const BASE_TASKS: ReadonlyArray<[string, string]> = [
  ["\\Microsoft\\Windows\\Defrag\\ScheduledDefrag", "%windir%\\system32\\defrag.exe -c -h -o -$"],
  ["\\Microsoft\\Windows\\Windows Defender\\Windows Defender Scheduled Scan", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24020.7-0\\MpCmdRun.exe Scan -ScheduleJob -ScanTrigger 55 -IdleScheduledJob"],
  ["\\Microsoft\\Windows\\Diagnosis\\Scheduled", "%windir%\\system32\\sdiagschd.dll"],
  ["\\Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan", "%systemroot%\\system32\\usoclient.exe StartScan"],
  ["\\Microsoft\\Windows\\WindowsUpdate\\Scheduled Start", "C:\\Windows\\system32\\sc.exe start wuauserv"],
  ["\\Microsoft\\Windows\\Time Synchronization\\SynchronizeTime", "%windir%\\system32\\sc.exe start w32time task_started"],
];
