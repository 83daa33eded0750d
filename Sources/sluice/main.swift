import SluiceCore
import SluiceSSH
import SluiceTerminal
print(LibSSH.runtimeVersion, Curses.runtimeVersion)
