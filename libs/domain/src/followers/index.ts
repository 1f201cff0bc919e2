export { FollowerPaging } from './follower-paging';
