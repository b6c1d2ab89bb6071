// The built-in scenario. `Scenarios/seed-walkthrough.yaml` is the same text; a test
// keeps the two identical, so edit both together.
enum BuiltinScenario {
  static let seedWalkthrough = #"""
    # The seed article's walkthrough: two SPARC T4 hosts, one guest per lesson.
    # This file is also built into ldm-console; a test keeps the two identical.
    name: seed-walkthrough
    description: >-
      Two SPARC T4 hosts. ldom01 is the article's example; ldom02 needs several
      passes; ldom03 fails the virtual disk pre-check; ldom04 does not converge
      without auto-converge; ldom05 owns a PCIe device; ldom06 migrates cold.
    migration:
      link: 1Gbit/s
      latency: 0.5ms
      downtime-limit: 300ms
      max-passes: 30
      auto-converge: false
    hosts:
      - name: sparc-t4-a
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 64, strands-per-chip: 64 }
        os: solaris11
        manager: "3.1"
        memory: 64G
        users: { root: secret }
        services:
          vds:
            - name: primary-vds0
              volumes:
                - { name: vol01, device: /dev/dsk/c2t6d0s2 }
                - { name: vol02, device: /dev/dsk/c2t7d0s2 }
                - { name: vol03, device: /dev/dsk/c2t8d0s2 }
                - { name: vol04, device: /dev/dsk/c2t9d0s2 }
                - { name: vol05, device: /dev/dsk/c2t10d0s2 }
                - { name: vol06, device: /dev/dsk/c2t11d0s2 }
          vsw:
            - { name: primary-vsw0, net-dev: net0 }
          vcc:
            - { name: primary-vcc0, ports: 5000-5100 }
        domains:
          - { name: primary, control: true, vcpus: 8, memory: 8G, util: 3.1, uptime: 45d 8h 6m }
          - name: ldom01
            vcpus: 1
            memory: 1G
            workload: web
            footprint: 64M
            content: mixed
            fill: 0.1
            uptime: 2h 7m
            disks: [ { name: vdisk1, volume: vol01@primary-vds0 } ]
            networks: [ { name: vnet1, switch: primary-vsw0 } ]
          - name: ldom02
            vcpus: 8
            memory: 4G
            workload: database
            footprint: 416M
            content: mixed
            fill: 0.1
            uptime: 12d 3h 40m
            disks: [ { name: vdisk1, volume: vol02@primary-vds0 } ]
            networks: [ { name: vnet1, switch: primary-vsw0 } ]
          - name: ldom03
            vcpus: 2
            memory: 2G
            workload: web
            footprint: 64M
            content: mixed
            fill: 0.02
            uptime: 3d 1h 12m
            disks: [ { name: vdisk1, volume: vol03@primary-vds0 } ]
            networks: [ { name: vnet1, switch: primary-vsw0 } ]
          - name: ldom04
            vcpus: 4
            memory: 1G
            workload: stress
            footprint: 256M
            content: mixed
            fill: 0.05
            uptime: 6h 30m
            disks: [ { name: vdisk1, volume: vol04@primary-vds0 } ]
            networks: [ { name: vnet1, switch: primary-vsw0 } ]
          - name: ldom05
            vcpus: 1
            memory: 1G
            footprint: 16M
            content: mixed
            fill: 0.02
            uptime: 20d 2h 5m
            io: [ pci_1 ]
            disks: [ { name: vdisk1, volume: vol05@primary-vds0 } ]
          - name: ldom06
            state: bound
            vcpus: 2
            memory: 1G
            disks: [ { name: vdisk1, volume: vol06@primary-vds0 } ]
            networks: [ { name: vnet1, switch: primary-vsw0 } ]
      - name: sparc-t4-b
        cpu: { type: SPARC-T4, mhz: 2548, stick-frequency: 0x5f4bc08, strands: 64, strands-per-chip: 64 }
        os: solaris11
        manager: "3.1"
        memory: 64G
        users: { root: secret }
        services:
          vds:
            - name: primary-vds0
              volumes:
                - { name: vol01, device: /dev/dsk/c3t1d0s2 }
                - { name: vol02, device: /dev/dsk/c3t2d0s2 }
                - { name: vol04, device: /dev/dsk/c3t4d0s2 }
                - { name: vol06, device: /dev/dsk/c3t6d0s2 }
          vsw:
            - { name: primary-vsw0, net-dev: net0 }
          vcc:
            - { name: primary-vcc0, ports: 5000-5100 }
        domains:
          - { name: primary, control: true, vcpus: 8, memory: 8G, util: 2.4, uptime: 31d 22h 17m }
    """#
}
