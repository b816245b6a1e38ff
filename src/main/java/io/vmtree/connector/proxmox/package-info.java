/**
 * The Proxmox VE connector: a client of the PVE REST API ({@code /api2/json}) with token or ticket
 * authentication and pinned or system TLS trust; VM ids allocated inside vmtree from a range so
 * parallel clones never race for one; async tasks (UPIDs) polled to their end; clones limited per
 * template and per storage so PVE's file locks are not fought over. Imports only the connector
 * seam. The user's page is docs/proxmox.md.
 */
package io.vmtree.connector.proxmox;
