module goleash.invalid/service

go 1.19
