module goleash.invalid/watchsvc

go 1.19
