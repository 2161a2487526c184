// The icons the front end uses, imported one by one so that the bundle holds
// these and not all 290 of @element-plus/icons-vue. Each is registered as a
// global component `Icon<Name>` (<IconBell />, and <component :is="'Icon' +
// page.menu.icon"> for the menu). A page or menu entry that names a new icon
// adds it here; tests/unit (web/test/icons.test.js) fails on a missing one.
import {
  ArrowLeft, ArrowRight, Avatar, Bell, Box, Calendar, ChatDotSquare, ChatLineSquare, Checked, CircleCheckFilled, Clock,
  Collection, Connection, DataBoard, Delete, Document, DocumentAdd, DocumentChecked, Download,
  EditPen, Expand, Files, Finished, Fold, FolderOpened, Histogram, House, List, Loading, Lock, Monitor,
  Notebook, OfficeBuilding, Plus, Pointer, Postcard, Printer, Promotion, Reading, Refresh,
  RefreshLeft, School, Search, Setting, Stamp, Star, Switch, SwitchButton, Tickets, Timer, Tools, Top,
  TrendCharts, Upload, User, UserFilled, Van, View, Warning, WarningFilled,
} from '@element-plus/icons-vue';

export const ICONS = {
  ArrowLeft, ArrowRight, Avatar, Bell, Box, Calendar, ChatDotSquare, ChatLineSquare, Checked, CircleCheckFilled, Clock,
  Collection, Connection, DataBoard, Delete, Document, DocumentAdd, DocumentChecked, Download,
  EditPen, Expand, Files, Finished, Fold, FolderOpened, Histogram, House, List, Loading, Lock, Monitor,
  Notebook, OfficeBuilding, Plus, Pointer, Postcard, Printer, Promotion, Reading, Refresh,
  RefreshLeft, School, Search, Setting, Stamp, Star, Switch, SwitchButton, Tickets, Timer, Tools, Top,
  TrendCharts, Upload, User, UserFilled, Van, View, Warning, WarningFilled,
};

export function registerIcons(app) {
  for (const [name, comp] of Object.entries(ICONS)) app.component('Icon' + name, comp);
}
