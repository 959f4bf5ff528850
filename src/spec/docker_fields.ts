/**
 * The field names of Docker's create-container body that docket spells canonically
 * (Engine API 1.47 `ContainerConfig`, `HostConfig` and `NetworkingConfig`).
 *
 * @module
 */

function words(text: string): readonly string[] {
  return text.trim().split(/\s+/);
}

/** Fields of `Container.Config`. */
export const CONFIG_FIELDS: readonly string[] = words(`
  Hostname Domainname User AttachStdin AttachStdout AttachStderr ExposedPorts Tty OpenStdin
  StdinOnce Env Cmd Healthcheck ArgsEscaped Image Volumes WorkingDir Entrypoint NetworkDisabled
  MacAddress OnBuild Labels StopSignal StopTimeout Shell
`);

/** Fields of `Container.HostConfig`. */
export const HOST_CONFIG_FIELDS: readonly string[] = words(`
  CpuShares Memory CgroupParent BlkioWeight BlkioWeightDevice BlkioDeviceReadBps
  BlkioDeviceWriteBps BlkioDeviceReadIOps BlkioDeviceWriteIOps CpuPeriod CpuQuota
  CpuRealtimePeriod CpuRealtimeRuntime CpusetCpus CpusetMems Devices DeviceCgroupRules
  DeviceRequests KernelMemory KernelMemoryTCP MemoryReservation MemorySwap MemorySwappiness
  NanoCpus OomKillDisable Init PidsLimit Ulimits CpuCount CpuPercent IOMaximumIOps
  IOMaximumBandwidth Binds ContainerIDFile LogConfig NetworkMode PortBindings RestartPolicy
  AutoRemove VolumeDriver VolumesFrom Mounts ConsoleSize Annotations CapAdd CapDrop CgroupnsMode
  Dns DnsOptions DnsSearch ExtraHosts GroupAdd IpcMode Cgroup Links OomScoreAdj PidMode
  Privileged PublishAllPorts ReadonlyRootfs SecurityOpt StorageOpt Tmpfs UTSMode UsernsMode
  ShmSize Sysctls Runtime Isolation MaskedPaths ReadonlyPaths
`);

/** Fields of `Container.NetworkingConfig`. */
export const NETWORKING_CONFIG_FIELDS: readonly string[] = ["EndpointsConfig"];
