module goleash/gcabiprobe

go 1.18
