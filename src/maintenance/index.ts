/**
 * The maintenance part's front door: windows (API and config file), and for the other parts
 * `activeMaintenance(serverId, at)` (alerts, cards, status pages) and
 * `maintenanceNotes(serverIds, from, to)` (status pages), both methods of MaintenanceService.
 */
export {
  MaintenanceService,
  type ActiveMaintenance,
  type MaintenanceDeps,
  type MaintenanceNote,
  type MaintenanceView,
} from './service.js';
