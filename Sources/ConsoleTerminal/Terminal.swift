import CNcursesW
import Console
